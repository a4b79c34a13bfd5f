ALTER TABLE "ÿþ" ADD COLUMN "Ã(" text DEFAULT 'ð(Œ(';
-- â‚ comment
