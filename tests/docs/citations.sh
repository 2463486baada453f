#!/usr/bin/env bash
# Comments and help texts in common/ and tools/ cite only documents inside
# the repository: a man page section (iot-stream(5), PAYLOAD SHAPES) or
# ARCHITECTURE.md, or they state the fact itself. A citation of a document
# that is not in the tree ("design §8", "library facts A", "seed 003's ...")
# cannot be followed by a reader of the code, so it fails here.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
pattern="design §|library facts|toolkit\\.md|\\.\\./shared|seed[ -]?[0-9]{3}|seeds?/|the seed's|the seeds\\b|seed documents?"

# The pattern itself, on lines that must and must not match.
while IFS= read -r line; do
  check "outside citation found: $line" grep -qiE -- "$pattern" <<< "$line"
done <<'BAD'
// SequenceTracker: gaps per device (design §8 "Gaps").
// PUBACK after on_message returns (library facts A)
// see ../shared/toolkit.md
// Seed 003's signed form {"hmac", "payload"}
// one seed-000 nested payload per group
// the seed's 16 KiB
// as the seeds use them
BAD
while IFS= read -r line; do
  check "not a citation: $line" bash -c '! grep -qiE -- "$1" <<< "$2"' _ "$pattern" "$line"
done <<'GOOD'
// The signed shape (iot-stream(5), PAYLOAD SHAPES).
app.add_option("--seed", o.seed, "Seed of the noise");
// seed 4 % 5 devices -> P-0005 fails
// Base64 (RFC 4648 §4, padded)
// See ARCHITECTURE.md, layers.
GOOD

# The tree.
found=$(grep -rniE -- "$pattern" "$IOT_SOURCE_DIR/common" "$IOT_SOURCE_DIR/tools" | sed "s|^$IOT_SOURCE_DIR/||" || true)
expect_eq "common/ and tools/ cite no document outside the repository" "" "$found"
finish
