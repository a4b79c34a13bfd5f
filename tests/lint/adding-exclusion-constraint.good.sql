SET lock_timeout = '5s';
CREATE TABLE "Booking" (
    "id" SERIAL NOT NULL,
    "during" tsrange NOT NULL,
    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Booking_no_overlap" EXCLUDE USING gist ("during" WITH &&)
);
