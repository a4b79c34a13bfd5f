DROP DATABASE "legacy";
