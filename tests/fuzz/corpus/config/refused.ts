import path from "node:path";
const base = process.cwd();
export default defineConfig({
  ...shared,
  schema: path.join("prisma", "schema"),
  migrations: { path: `${base}/db/${"migrations"}` },
  datasource: getDatasource(),
  get ['schema']() { return "x" },
  async adapter() { const { PrismaPg } = await import("@prisma/adapter-pg"); return new PrismaPg({}) },
});
