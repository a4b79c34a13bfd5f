-- CreateTable
CREATE TABLE "Order" (
    "id" BIGSERIAL NOT NULL,
    "amount_cents" INTEGER NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);
