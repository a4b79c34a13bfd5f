// A Prisma 7 project: the CLI's settings live here, not in schema.prisma.
// migc and migrun read this file without running it (docs/prisma7.md): the
// schema folder, the migrations folder and the datasource URL below are
// static values, so `migc compile`, `migc check`, `migc scaffold`,
// `migrun status` and `migrun apply` need no flag in this directory.
import "dotenv/config";
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  // a folder: every .prisma file below it is one schema
  schema: "prisma/schema",
  migrations: {
    path: "db/migrations",
  },
  datasource: {
    url: env("DATABASE_URL"),
  },
});
