#!/usr/bin/env bash
# Starts real mail servers for the mail tests, on loopback only (Debian 12 packages, run as root): Postfix (SMTP on
# 127.0.0.1:2525, local domain lethe.test, no relaying) and Dovecot (IMAP on 127.0.0.1:1143, plain login), with one
# mailbox per user hub, hub2, vendor, dpo and alice (alice+<tag>@lethe.test also lands in alice's box). Installs them
# when missing, empties the mailboxes, and prints the environment the tests read. Idempotent; fails loudly.
# Usage:  eval "$(.ci/mail-servers.sh)"
set -euo pipefail
DIR=${LETHE_MAIL_DIR:-/tmp/lethe-mail}
log() { echo "mail-servers: $*" >&2; }

if ! command -v postfix >/dev/null || ! command -v dovecot >/dev/null; then
  log "installing postfix and dovecot-imapd"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string mail.lethe.test" | debconf-set-selections
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postfix dovecot-core dovecot-imapd >&2
fi

for u in hub hub2 vendor dpo alice; do
  id "$u" >/dev/null 2>&1 || useradd -m -s /usr/sbin/nologin "$u"
  rm -rf "/home/$u/Maildir"        # every run starts with empty mailboxes
done

# Postfix: local delivery to ~/Maildir, SMTP on 127.0.0.1:2525 only, nothing leaves the machine.
postfix stop >/dev/null 2>&1 || true
postconf -e "myhostname = mail.lethe.test" "mydomain = lethe.test" "myorigin = lethe.test" \
  "mydestination = lethe.test, localhost" "inet_interfaces = 127.0.0.1" "inet_protocols = ipv4" \
  "mynetworks = 127.0.0.0/8" "home_mailbox = Maildir/" "mailbox_command =" "recipient_delimiter = +" \
  "default_transport = error" "relay_transport = error" "maillog_file = /var/log/lethe-test-postfix.log"
postconf -MX smtp/inet 2>/dev/null || true
postconf -M "127.0.0.1:2525/inet=127.0.0.1:2525 inet n - n - - smtpd"
# ghost@lethe.test is accepted and bounces at delivery: a real bounce (multipart/report, null sender) for the tests
grep -q '^ghost:' /etc/aliases || echo "ghost: nosuchuser-lethe-test" >> /etc/aliases
newaliases
postfix check >&2
postfix start >&2

# Dovecot: its own configuration (the packaged one is left alone).
mkdir -p "$DIR"
for u in hub hub2 vendor dpo alice; do echo "$u:{PLAIN}secret"; done > "$DIR/users"
chgrp dovecot "$DIR/users" && chmod 640 "$DIR/users"
cat > "$DIR/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = /run/dovecot-lethe-test
instance_name = dovecot-lethe-test
log_path = $DIR/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $DIR/users
}
userdb {
  driver = passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 1143
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
doveadm -c "$DIR/dovecot.conf" stop >/dev/null 2>&1 || true
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/1143) 2>/dev/null || break; sleep 0.1; done
dovecot -c "$DIR/dovecot.conf"

for port in 2525 1143; do
  up=no
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then up=yes; break; fi
    sleep 0.1
  done
  [ "$up" = yes ] || { log "nothing listens on 127.0.0.1:$port"; tail -n 20 /var/log/lethe-test-postfix.log "$DIR"/dovecot.log >&2 || true; exit 1; }
done
log "postfix on 127.0.0.1:2525 and dovecot on 127.0.0.1:1143 are up"
echo "export LETHE_TEST_REAL_MAIL=true"
