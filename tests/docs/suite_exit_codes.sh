#!/usr/bin/env bash
# A suite's exit code is its verdict: a "not ok" line must fail it. Every
# shell suite ends with finish (whose status is the script's), and no Python
# suite throws away what finish() returns, directly or through a main() that
# returns it. Each rule is also tried on a small broken suite.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
src=$IOT_SOURCE_DIR

# shell_ends_with_finish FILE: the last command of FILE is finish.
shell_ends_with_finish() { [ "$(grep -v '^[[:space:]]*$' "$1" | tail -1)" = finish ]; }
# python_keeps_finish FILE...: no finish() result dropped, no dropped main()
# when main returns finish().
python_keeps_finish() {
  /usr/bin/python3 - "$@" <<'PY'
import ast, sys
bad = []
for path in sys.argv[1:]:
    tree = ast.parse(open(path).read(), path)
    returns_finish = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Call) \
                        and getattr(node.value.func, "id", None) == "finish":
                    returns_finish.add(fn.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = getattr(node.value.func, "id", None)
            if name == "finish" or name in returns_finish:
                bad.append(f"{path}:{node.lineno}: the result of {name}() is dropped")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
}

for f in "$src"/tests/integration/*.sh "$src"/tests/interop/*.sh "$src"/tests/docs/*.sh; do
  [ -f "$f" ] || continue
  check "${f#"$src"/} ends with finish" shell_ends_with_finish "$f"
done
py=$(grep -l "finish" "$src"/tests/integration/*.py "$src"/tests/interop/*.py)
check "Python suites exit with finish()'s code" python_keeps_finish $py

# The rules catch what they are for.
fails() { ! "$@" > /dev/null; }
printf 'source x\ncheck "a" false\nfinish\necho done\n' > trailing.sh
check "a shell suite with a command after finish is caught" fails shell_ends_with_finish trailing.sh
printf 'def main():\n    return finish()\n\nmain()\n' > dropped_main.py
printf 'check("x", False)\nfinish()\n' > dropped_finish.py
printf 'def main():\n    return finish()\n\nsys.exit(main())\n' > kept.py
check "a dropped main() that returns finish() is caught" fails python_keeps_finish dropped_main.py
check "a dropped finish() is caught" fails python_keeps_finish dropped_finish.py
check "sys.exit(main()) passes" python_keeps_finish kept.py
finish
