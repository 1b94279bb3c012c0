#!/bin/bash
# (The recipe from the team's shared servers folder, kept with the tests so a clone runs them on its own.)
# RT 5.0.3 (Debian bookworm request-tracker5) on loopback with SQLite under DIR.  usage: start.sh DIR PORT
# Installs RT from Debian's packages when missing (as root, about 40 s, once per machine), starts a fresh RT with
# SQLite under DIR on 127.0.0.1:PORT (about 3 s). Users: root/password (admin), agent1/pass1pass1 (agent on queue
# General, with an auth token printed and kept in DIR/agent1.token). Tags are a multi-value custom field "Tags".
# Stop it with: kill "$(cat DIR/server.pid)". Outgoing mail goes to RT's own mbox files under /var/lib/request-tracker5.
set -euo pipefail
DIR=${1:?usage: start.sh DIR PORT}; PORT=${2:-18080}
if [ ! -x /usr/sbin/rt-setup-database ]; then
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
  export DEBIAN_FRONTEND=noninteractive
  pkgs="request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients"
  apt-get install -y -qq --no-install-recommends $pkgs >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends $pkgs >/dev/null 2>&1; } \
    || { echo "start.sh: could not install RT ($pkgs)" >&2; exit 1; }
fi
mkdir -p "$DIR/site.d" "$DIR/var/mason" "$DIR/var/session" "$DIR/log"
cat > "$DIR/RT_SiteConfig.pm" <<CONF
Set(\$rtname, 'agenttui.test'); Set(\$Organization, 'agenttui.test');
Set(\$CorrespondAddress, 'support@agenttui.test'); Set(\$CommentAddress, 'support-comment@agenttui.test');
Set(\$Timezone, 'UTC');
Set(\$DatabaseType, 'SQLite'); Set(\$DatabaseName, '$DIR/rtdb');
Set(\$WebPath, ''); Set(\$WebDomain, '127.0.0.1'); Set(\$WebPort, $PORT); Set(\$WebBaseURL, 'http://127.0.0.1:$PORT');
Set(\$MasonDataDir, '$DIR/var/mason'); Set(\$MasonSessionDir, '$DIR/var/session');
Set(\$LogDir, '$DIR/log'); Set(\$LogToFile, 'info'); Set(\$LogToFileNamed, 'rt.log'); Set(\$LogToSyslog, undef); Set(\$LogToSTDERR, 'error');
Set(\$MailCommand, 'mbox');
1;
CONF
export RT_SITE_CONFIG="$DIR/RT_SiteConfig.pm" RT_SITE_CONFIG_DIR="$DIR/site.d"
/usr/sbin/rt-setup-database --action init --skip-create > "$DIR/setup.log" 2>&1
cat > "$DIR/seed.pl" <<'PL'
use lib '/usr/share/request-tracker5/lib'; use RT; RT::LoadConfig(); RT::Init();
my $u = RT::User->new(RT->SystemUser);
$u->Create(Name=>'agent1', EmailAddress=>'agent1@agenttui.test', Privileged=>1, Password=>'pass1pass1');
my $q = RT::Queue->new(RT->SystemUser); $q->Load('General') or die;
$u->PrincipalObj->GrantRight(Right=>$_, Object=>$q) for qw(SeeQueue ShowTicket ShowTicketComments OwnTicket ReplyToTicket CommentOnTicket ModifyTicket SeeCustomField ModifyCustomField);
my $cf = RT::CustomField->new(RT->SystemUser);
$cf->Create(Name=>'Tags', Type=>'Freeform', MaxValues=>0, LookupType=>'RT::Queue-RT::Ticket'); $cf->AddToObject($q);
my ($ok,$msg,$auth) = RT::AuthToken->new(RT->SystemUser)->Create(Owner=>$u->id, Description=>'agent-tui');
print "$auth\n";
PL
perl "$DIR/seed.pl" 2>/dev/null > "$DIR/agent1.token"
( exec /usr/share/request-tracker5/libexec/rt-server --host 127.0.0.1 --port "$PORT" --max-workers 2 > "$DIR/server.log" 2>&1 ) &
echo $! > "$DIR/server.pid"
for _ in $(seq 1 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/REST/2.0/rt)" = 401 ] && break; sleep 0.1; done
echo "RT on 127.0.0.1:$PORT pid $(cat "$DIR/server.pid"); root/password; agent1/pass1pass1 token $(cat "$DIR/agent1.token")"
