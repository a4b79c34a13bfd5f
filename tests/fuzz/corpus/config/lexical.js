// regular expressions, divisions and templates nested in templates
const re = /[}{)(`'"]+\//gi, half = 10 / 2 / 1;
const t = `a${ `b${ {c: '}'}.c }` }d${ re.source }`;
export default { migrations: { seed: t, path: 'db/migrations' }, schema: "unterminated
