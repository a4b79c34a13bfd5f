/* The rename and retype operations: a new column (planned as an add) kept in
 * sync both ways with the old one (planned as a retire) while old and new
 * application versions write different columns. Retype is a rename whose
 * mappings are the user's using / reverse expressions. */
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "ops/sync.h"

/* Their part of the trigger: on INSERT whichever side the writer left NULL
 * comes from the other; on UPDATE the side that changed wins. */
static bool rename_sync(mp_buf *body, mp_buf *events, const mdl_lifecycle *lc, const mdl_add *a)
{
	mp_buf o = MP_BUF_INIT, n = MP_BUF_INIT;
	sqlfrag_col(&o, a->source);
	sqlfrag_col(&n, a->column);
	buf_printf(body, "  IF TG_OP = 'INSERT' THEN\n    IF NEW.%s IS NULL THEN\n      NEW.%s := ", n.ptr, n.ptr);
	sync_over_new(body, lc, a->value_new_sql, a->value_sql);
	buf_printf(body, ";\n    ELSE\n      NEW.%s := ", o.ptr);
	sync_over_new(body, lc, a->reverse_new_sql, a->reverse_sql);
	buf_printf(body, ";\n    END IF;\n  ELSIF NEW.%s IS DISTINCT FROM OLD.%s THEN\n    NEW.%s := ", o.ptr, o.ptr,
	           n.ptr);
	sync_over_new(body, lc, a->value_new_sql, a->value_sql);
	buf_printf(body, ";\n  ELSIF NEW.%s IS DISTINCT FROM OLD.%s THEN\n    NEW.%s := ", n.ptr, n.ptr, o.ptr);
	sync_over_new(body, lc, a->reverse_new_sql, a->reverse_sql);
	buf_puts(body, ";\n  END IF;\n");
	sync_event_add(events, a->source);
	sync_event_add(events, a->column);
	buf_free(&o);
	buf_free(&n);
	return false;
}

const op_def op_rename = {
	.name = "rename",
	.sync = rename_sync,
};

const op_def op_retype = {
	.name = "retype",
	.sync = rename_sync,
};
