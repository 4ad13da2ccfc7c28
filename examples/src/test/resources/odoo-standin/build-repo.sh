# Builds the stand-in package `odoo` and a signed flat apt repository serving it on port 8000
# ($1: the folder holding this script's siblings). Runs on a lab host as root.
set -eu
src=$1
export DEBIAN_FRONTEND=noninteractive SOURCE_DATE_EPOCH=1764460800
apt-get update -qq
# gpg and its agent only (not the gnupg bundle: dirmngr, gpgsm, wks tools and their libraries).
apt-get install -y -qq --no-install-recommends gpg gpg-agent apt-utils python3 >/dev/null
pkg=$(mktemp -d)
install -D -m 0755 "$src/odoo" "$pkg/usr/bin/odoo"
install -D -m 0644 "$src/odoo.service" "$pkg/lib/systemd/system/odoo.service"
install -D -m 0644 "$src/control" "$pkg/DEBIAN/control"
install -D -m 0755 "$src/postinst" "$pkg/DEBIAN/postinst"
mkdir -p /srv/odoo-repo
cd /srv/odoo-repo
dpkg-deb --root-owner-group --build "$pkg" odoo_18.0.0+rigger.standin_all.deb >/dev/null
apt-ftparchive packages . > Packages
apt-ftparchive release . > Release
export GNUPGHOME=$(mktemp -d)
gpg --batch --quiet --passphrase '' --quick-gen-key 'Rigger lab Odoo stand-in <lab@rigger.invalid>' ed25519 sign never
gpg --batch --armor --export > odoo.key
gpg --batch --yes --clearsign -o InRelease Release
systemd-run --quiet --unit=lab-odoo-repo --working-directory=/srv/odoo-repo python3 -m http.server 8000
