#!/usr/bin/env bash
# `cmake --install` puts the six binaries, their man pages and the shell
# completions where Debian looks for them, and CPack makes a .deb holding
# the same files with its library dependencies worked out.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
[ -f "$IOT_BUILD_DIR/CPackConfig.cmake" ] || skip "no CPack configuration in $IOT_BUILD_DIR"
command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
tools="pub sub ingest replay verify waveform"
cd "$TEST_TMP"

rc=0; cmake --install "$IOT_BUILD_DIR" --prefix "$TEST_TMP/root" > install.log 2>&1 || rc=$?
expect_eq "cmake --install succeeds" 0 "$rc"
for t in $tools; do
  check "bin/iot-$t installed and runs" bash -c "\"$TEST_TMP/root/bin/iot-$t\" --version > /dev/null"
  check "man page iot-$t.1 installed" test -s "$TEST_TMP/root/share/man/man1/iot-$t.1"
  # The installed page is the assembled one: the shared fragments are in it.
  check "man page iot-$t.1 holds the shared option text" grep -q "IOT_LOG_LEVEL" "$TEST_TMP/root/share/man/man1/iot-$t.1"
  check "bash completion for iot-$t" test -s "$TEST_TMP/root/share/bash-completion/completions/iot-$t"
  check "zsh completion for iot-$t" test -s "$TEST_TMP/root/share/zsh/vendor-completions/_iot-$t"
done
for page in man5/iot-stream.5 man5/iot-registry.5 man7/iot-toolkit.7; do
  check "$page installed" test -s "$TEST_TMP/root/share/man/$page"
done

# A skip here, after the checks above, is a failure when any of them failed (skip in servers.sh).
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps (dpkg-dev) not installed"
(cd "$TEST_TMP" && cpack -G DEB -B "$TEST_TMP/pkg" --config "$IOT_BUILD_DIR/CPackConfig.cmake" > cpack.log 2>&1)
expect_eq "cpack makes a .deb" 1 "$(ls "$TEST_TMP"/pkg/*.deb 2>/dev/null | wc -l)"
deb=$(ls "$TEST_TMP"/pkg/*.deb 2>/dev/null | head -1)
if [ -n "$deb" ]; then
  dpkg-deb -c "$deb" > contents.txt
  for t in $tools; do
    check ".deb holds /usr/bin/iot-$t" grep -q "\./usr/bin/iot-$t\$" contents.txt
    check ".deb holds the iot-$t man page" grep -q "\./usr/share/man/man1/iot-$t\.1" contents.txt
  done
  depends=$(dpkg-deb -f "$deb" Depends)
  for lib in libmosquitto1 libpqxx libhiredis libsqlite3 libssl3; do
    check ".deb depends on $lib" grep -q "$lib" <<< "$depends"
  done
  expect_eq ".deb package name" iot-toolkit "$(dpkg-deb -f "$deb" Package)"
fi
finish
