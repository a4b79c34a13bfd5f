export default async () => ({ schema: "x" })
