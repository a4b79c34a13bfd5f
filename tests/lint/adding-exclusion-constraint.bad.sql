SET lock_timeout = '5s';
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_no_overlap" EXCLUDE USING gist ("during" WITH &&);
