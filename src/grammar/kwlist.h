/* The .mig keywords: the one list the scanner's table (keywords.c) is built
 * from, as PostgreSQL builds its scanner's table from kwlist.h. Each entry is
 * MIG_KEYWORD(word, token, category): word in lower case, in strcmp order
 * (keyword_lookup bsearches the table), token the parser's %token for it
 * (parser.y), category UNRESERVED when parser.y's `unreserved` rule lets the
 * word still name a column or an object, else RESERVED.
 * tests/unit/grammar/test_keywords.c checks the order, that every keyword
 * token of the parser is here with its own word, each category against the
 * parser, and that tests/fuzz/mig.dict holds every word.
 *
 * No include guard: the includer defines MIG_KEYWORD, includes this file
 * and undefines it again. */

MIG_KEYWORD("action", ACTION, UNRESERVED)
MIG_KEYWORD("add", ADD, UNRESERVED)
MIG_KEYWORD("after", AFTER, UNRESERVED)
MIG_KEYWORD("alter", ALTER, UNRESERVED)
MIG_KEYWORD("as", AS, RESERVED)
MIG_KEYWORD("at", AT, UNRESERVED)
MIG_KEYWORD("backfill", BACKFILL, UNRESERVED)
MIG_KEYWORD("batch", BATCH, UNRESERVED)
MIG_KEYWORD("before", BEFORE, UNRESERVED)
MIG_KEYWORD("cascade", CASCADE, UNRESERVED)
MIG_KEYWORD("check", CHECK, UNRESERVED)
MIG_KEYWORD("comment", COMMENT, UNRESERVED)
MIG_KEYWORD("constraint", CONSTRAINT, UNRESERVED)
MIG_KEYWORD("default", DEFAULT, RESERVED)
MIG_KEYWORD("delete", DELETE, UNRESERVED)
MIG_KEYWORD("down", DOWN, UNRESERVED)
MIG_KEYWORD("else", ELSE, RESERVED)
MIG_KEYWORD("enforce", ENFORCE, UNRESERVED)
MIG_KEYWORD("enum", ENUM, UNRESERVED)
MIG_KEYWORD("explain", EXPLAIN, UNRESERVED)
MIG_KEYWORD("false", FALSE, RESERVED)
MIG_KEYWORD("foreign", FOREIGN, UNRESERVED)
MIG_KEYWORD("from", FROM, RESERVED)
MIG_KEYWORD("index", INDEX, UNRESERVED)
MIG_KEYWORD("key", KEY, UNRESERVED)
MIG_KEYWORD("lifecycle", LIFECYCLE, UNRESERVED)
MIG_KEYWORD("map", MAP, UNRESERVED)
MIG_KEYWORD("no", NO, UNRESERVED)
MIG_KEYWORD("not", NOT, RESERVED)
MIG_KEYWORD("null", NULL_P, RESERVED)
MIG_KEYWORD("on", ON, RESERVED)
MIG_KEYWORD("references", REFERENCES, UNRESERVED)
MIG_KEYWORD("rename", RENAME, UNRESERVED)
MIG_KEYWORD("restrict", RESTRICT, UNRESERVED)
MIG_KEYWORD("retire", RETIRE, UNRESERVED)
MIG_KEYWORD("retype", RETYPE, UNRESERVED)
MIG_KEYWORD("reverse", REVERSE, UNRESERVED)
MIG_KEYWORD("set", SET, RESERVED)
MIG_KEYWORD("sql", SQL, UNRESERVED)
MIG_KEYWORD("to", TO, RESERVED)
MIG_KEYWORD("transaction", TRANSACTION, UNRESERVED)
MIG_KEYWORD("true", TRUE, RESERVED)
MIG_KEYWORD("unique", UNIQUE, RESERVED)
MIG_KEYWORD("up", UP, UNRESERVED)
MIG_KEYWORD("update", UPDATE, UNRESERVED)
MIG_KEYWORD("using", USING, RESERVED)
MIG_KEYWORD("value", VALUE, UNRESERVED)
MIG_KEYWORD("where", WHERE, UNRESERVED)
MIG_KEYWORD("with", WITH, UNRESERVED)
MIG_KEYWORD("without", WITHOUT, UNRESERVED)
MIG_KEYWORD("zone", ZONE, UNRESERVED)
