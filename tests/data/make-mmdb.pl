#!/usr/bin/perl
# make-mmdb.pl - build the test GeoIP databases from a readable JSON source.
#
#   perl tests/data/make-mmdb.pl tests/data/geoip-source.json OUTDIR
#
# writes
#   OUTDIR/test-city.mmdb  database_type "GeoIP2-City", records laid out like
#                          MaxMind's GeoIP2/GeoLite2 City (city.names.en,
#                          continent.{code,names.en}, country.{iso_code,names.en},
#                          registered_country.{...}, location.{latitude,longitude,
#                          accuracy_radius,time_zone})
#   OUTDIR/test-asn.mmdb   database_type "GeoLite2-ASN" (autonomous_system_number
#                          uint32, autonomous_system_organization utf8_string)
#
# Both are IPv6 trees with the IPv4 space aliased into ::ffff:0:0/96 (and the
# Teredo/6to4 ranges), exactly like MaxMind's own files, so IPv4 lookups work.
#
# Needs Debian's libmaxmind-db-writer-perl; JSON is read with core JSON::PP.
# Only documentation ranges (RFC 5737 / RFC 3849) are accepted, so test data can
# never shadow a real address. Every input error is fatal (exit 1, message on
# stderr); outputs are written to a temporary file and renamed, so a failed run
# leaves any previous databases untouched and a re-run is harmless.
#
# Build epoch in the metadata: $SOURCE_DATE_EPOCH if set, else the source file's
# mtime, so the same source gives byte-identical databases.
use strict;
use warnings;
use utf8;

use File::Basename qw(basename);
use File::Path qw(make_path);
use JSON::PP ();
use Scalar::Util qw(looks_like_number);

BEGIN {
    for my $mod (qw(MaxMind::DB::Writer::Tree Net::Works::Network Net::Works::Address)) {
        next if eval "require $mod; 1";
        print STDERR "make-mmdb.pl: cannot load $mod: $@"
            . "  install it with: apt-get install libmaxmind-db-writer-perl\n";
        exit 1;
    }
}

binmode STDERR, ':encoding(UTF-8)';
binmode STDOUT, ':encoding(UTF-8)';

my $ME = basename($0);
# Every error: one message on stderr, exit status 1.
sub fail {
    my $msg = join '', @_;
    $msg =~ s/ at \S+ line \d+\.?\s*$//;    # drop Perl's "at FILE line N."
    chomp $msg;
    print STDERR "$ME: $msg\n";
    exit 1;
}
$SIG{__DIE__} = sub { fail(@_) unless $^S };    # uncaught die from a module, too

@ARGV == 2 or fail "usage: perl $ME SOURCE.json OUTDIR";
my ( $source, $outdir ) = @ARGV;

# ---------------------------------------------------------------- read input

open my $in, '<:raw', $source or fail "cannot read $source: $!";
my $raw = do { local $/; <$in> };
close $in;

my $doc = eval { JSON::PP->new->utf8->relaxed(0)->decode($raw) };
fail "$source: invalid JSON: $@" unless defined $doc;

my $entries;
if ( ref $doc eq 'ARRAY' ) {
    $entries = $doc;
}
elsif ( ref $doc eq 'HASH' ) {
    for my $k ( sort keys %$doc ) {
        fail "$source: unknown top-level key \"$k\" (allowed: networks, _comment)"
            unless $k eq 'networks' || $k eq '_comment';
    }
    $entries = $doc->{networks};
    fail "$source: \"networks\" must be a JSON array" unless ref $entries eq 'ARRAY';
}
else {
    fail "$source: top level must be an object with \"networks\" or an array";
}
fail "$source: no networks" unless @$entries;

# ---------------------------------------------------------------- validation

# Documentation prefixes only (RFC 5737, RFC 3849).
my @DOC_RANGES = map { Net::Works::Network->new_from_string( string => $_ ) }
    qw(192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 2001:db8::/32);

my %ALLOWED = map { $_ => 1 } qw(
    network _comment
    country_iso_code country_name continent_code continent_name
    city_name latitude longitude accuracy_radius time_zone
    asn asn_organization
);
my %CONTINENTS = map { $_ => 1 } qw(AF AN AS EU NA OC SA);

sub nonempty_string {
    my ( $where, $e, $k ) = @_;
    my $v = $e->{$k};
    fail "$where: \"$k\" must be a non-empty string"
        if !defined $v || ref $v || $v !~ /\S/;
    fail "$where: \"$k\" has leading/trailing blanks or control characters"
        if $v =~ /^\s|\s$|[\x00-\x1f\x7f]/;
    return $v;
}

sub number_in {
    my ( $where, $e, $k, $lo, $hi ) = @_;
    my $v = $e->{$k};
    fail "$where: \"$k\" must be a JSON number"
        if !defined $v || ref $v || !looks_like_number($v) || $v =~ /^\s|\s$|inf|nan/i;
    fail "$where: \"$k\" = $v out of range [$lo, $hi]" if $v < $lo || $v > $hi;
    return 0 + $v;
}

sub integer_in {
    my ( $where, $e, $k, $lo, $hi ) = @_;
    my $v = $e->{$k};
    fail "$where: \"$k\" must be a JSON integer"
        if !defined $v || ref $v || $v !~ /^[0-9]+$/;
    fail "$where: \"$k\" = $v out of range [$lo, $hi]" if $v < $lo || $v > $hi;
    return 0 + $v;
}

my ( @city_records, @asn_records, @spans );
my $i = -1;
for my $e (@$entries) {
    $i++;    # 0-based, as jq would show it
    my $where = "$source: networks[$i]";
    fail "$where: must be a JSON object" unless ref $e eq 'HASH';
    for my $k ( sort keys %$e ) {
        fail "$where: unknown key \"$k\"" unless $ALLOWED{$k};
    }

    # --- network
    my $cidr = $e->{network};
    fail "$where: \"network\" must be a CIDR string like 192.0.2.0/26"
        if !defined $cidr || ref $cidr || $cidr !~ m{^([0-9A-Fa-f:.]+)/([0-9]{1,3})$};
    my ( $addr_s, $plen ) = ( $1, $2 );
    $where .= " ($cidr)";
    my $net = eval { Net::Works::Network->new_from_string( string => $cidr ) };
    fail "$where: not a valid network" unless $net;
    my $addr = eval { Net::Works::Address->new_from_string( string => $addr_s ) };
    fail "$where: not a valid address" unless $addr;
    # Net::Works silently masks host bits (192.0.2.5/24 -> 192.0.2.0/24): refuse.
    fail "$where: host bits set, network address is " . $net->first->as_string
        if $addr->as_integer != $net->first->as_integer;
    fail "$where: outside the documentation ranges "
        . join( ', ', map { $_->as_string } @DOC_RANGES )
        unless grep {
               $_->version == $net->version
            && $net->prefix_length >= $_->prefix_length
            && $net->first->as_integer >= $_->first->as_integer
            && $net->last->as_integer <= $_->last->as_integer
        } @DOC_RANGES;
    push @spans, [ $net->version, $net->first->as_integer, $net->last->as_integer, $cidr, $i ];

    # --- country (required) and continent (optional pair)
    my $iso = nonempty_string( $where, $e, 'country_iso_code' );
    fail "$where: country_iso_code \"$iso\" is not two upper-case letters"
        unless $iso =~ /^[A-Z]{2}$/;
    my $country = { iso_code => $iso, names => { en => nonempty_string( $where, $e, 'country_name' ) } };
    my %city_rec = ( country => $country, registered_country => {%$country} );

    if ( defined $e->{continent_code} || defined $e->{continent_name} ) {
        my $cc = nonempty_string( $where, $e, 'continent_code' );
        fail "$where: continent_code \"$cc\" is not one of " . join( ' ', sort keys %CONTINENTS )
            unless $CONTINENTS{$cc};
        $city_rec{continent} = { code => $cc, names => { en => nonempty_string( $where, $e, 'continent_name' ) } };
    }

    # --- city (optional)
    if ( exists $e->{city_name} ) {
        $city_rec{city} = { names => { en => nonempty_string( $where, $e, 'city_name' ) } };
    }

    # --- location (optional; latitude and longitude go together)
    my @loc_keys = grep { exists $e->{$_} } qw(latitude longitude accuracy_radius time_zone);
    if (@loc_keys) {
        fail "$where: location needs both latitude and longitude (has: @loc_keys)"
            unless exists $e->{latitude} && exists $e->{longitude};
        my %loc = (
            latitude  => number_in( $where, $e, 'latitude',  -90,  90 ),
            longitude => number_in( $where, $e, 'longitude', -180, 180 ),
        );
        $loc{accuracy_radius} = integer_in( $where, $e, 'accuracy_radius', 1, 65535 )
            if exists $e->{accuracy_radius};
        if ( exists $e->{time_zone} ) {
            my $tz = nonempty_string( $where, $e, 'time_zone' );
            fail "$where: time_zone \"$tz\" does not look like an IANA zone (Area/City)"
                unless $tz =~ m{^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+$} || $tz eq 'UTC';
            $loc{time_zone} = $tz;
        }
        $city_rec{location} = \%loc;
    }
    push @city_records, [ $cidr, \%city_rec ];

    # --- ASN (optional; both or neither)
    if ( exists $e->{asn} || exists $e->{asn_organization} ) {
        fail "$where: asn and asn_organization go together"
            unless exists $e->{asn} && exists $e->{asn_organization};
        push @asn_records, [
            $cidr,
            {
                autonomous_system_number       => integer_in( $where, $e, 'asn', 1, 4294967295 ),
                autonomous_system_organization => nonempty_string( $where, $e, 'asn_organization' ),
            }
        ];
    }
}

# Overlaps would be resolved silently by the writer (last insert wins): refuse.
{
    my @s = sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] } @spans;
    for my $n ( 1 .. $#s ) {
        my ( $p, $c ) = @s[ $n - 1, $n ];
        fail "$source: networks[$p->[4]] ($p->[3]) and networks[$c->[4]] ($c->[3]) overlap"
            if $p->[0] == $c->[0] && $c->[1] <= $p->[2];
    }
}

# ---------------------------------------------------------------- write

my $epoch = $ENV{SOURCE_DATE_EPOCH};
if ( defined $epoch ) {
    fail "SOURCE_DATE_EPOCH must be an integer" unless $epoch =~ /^[0-9]+$/;
}
else {
    $epoch = ( stat $source )[9];
}

# Value types, the same as MaxMind uses in its City and ASN databases.
my %CITY_TYPES = (
    city               => 'map',
    continent          => 'map',
    country            => 'map',
    registered_country => 'map',
    location           => 'map',
    names              => 'map',
    en                 => 'utf8_string',
    code               => 'utf8_string',
    iso_code           => 'utf8_string',
    time_zone          => 'utf8_string',
    latitude           => 'double',
    longitude          => 'double',
    accuracy_radius    => 'uint16',
);
my %ASN_TYPES = (
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

sub type_callback {
    my ( $types, $what ) = @_;
    return sub {
        my $t = $types->{ $_[0] };
        die "$ME: no MMDB type for key \"$_[0]\" in the $what database\n" unless $t;
        return $t;
    };
}

sub write_db {
    my (%a) = @_;
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => $a{record_size},
        database_type            => $a{database_type},
        languages                => ['en'],
        description              => { en => $a{description} },
        alias_ipv6_to_ipv4       => 1,
        remove_reserved_networks => 0,    # else documentation ranges vanish silently
        merge_strategy           => 'none',
        map_key_type_callback    => type_callback( $a{types}, $a{database_type} ),
        _build_epoch             => $epoch,    # reproducible output
    );
    for my $r ( @{ $a{records} } ) {
        eval { $tree->insert_network( $r->[0], $r->[1] ); 1 }
            or fail "$a{database_type}: cannot insert $r->[0]: $@";
    }

    my $final = "$outdir/$a{file}";
    my $tmp   = "$outdir/.$a{file}.tmp.$$";
    open my $fh, '>:raw', $tmp or fail "cannot write $tmp: $!";
    my $ok = eval { $tree->write_tree($fh); 1 };
    my $err = $@;
    if ( !( close($fh) && $ok ) ) {
        unlink $tmp;
        fail "$a{database_type}: writing $tmp failed: " . ( $ok ? $! : $err );
    }
    rename $tmp, $final or do { unlink $tmp; fail "cannot rename $tmp to $final: $!" };
    printf "%s: wrote %s (%d networks)\n", $ME, $final, scalar @{ $a{records} };
}

make_path( $outdir, { error => \my $mkerr } ) unless -d $outdir;
-d $outdir or fail "cannot create directory $outdir";

write_db(
    file          => 'test-city.mmdb',
    database_type => 'GeoIP2-City',
    record_size   => 28,
    description   => 'nginx-login-risk test data (GeoIP2-City layout, documentation ranges only)',
    types         => \%CITY_TYPES,
    records       => \@city_records,
);
write_db(
    file          => 'test-asn.mmdb',
    database_type => 'GeoLite2-ASN',
    record_size   => 24,
    description   => 'nginx-login-risk test data (GeoLite2-ASN layout, documentation ranges/ASNs only)',
    types         => \%ASN_TYPES,
    records       => \@asn_records,
);
exit 0;
