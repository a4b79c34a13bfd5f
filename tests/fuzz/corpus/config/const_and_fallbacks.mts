import { defineConfig } from 'prisma/config'

const migrations = { path: '../db/migrations' } as const
const url: string = process.env.FUZZ_UNSET ?? process.env['DATABASE_URL']!

export default defineConfig<Env>({
  schema: `../prisma/schema/`,
  migrations,
  datasource: { url, directUrl: process.env.FUZZ_EMPTY || undefined },
})
