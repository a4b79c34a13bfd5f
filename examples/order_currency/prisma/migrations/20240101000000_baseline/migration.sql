-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "note" VARCHAR(200),
    "status" TEXT NOT NULL DEFAULT 'new',
    "currency" VARCHAR(3),
    "total" DECIMAL(10,2) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);
