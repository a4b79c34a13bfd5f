export default {
  datasource: { url: "postgresql://u:p@h/d" /* } */ , },
  schema: "a\
.prisma",
}