using System.Collections.Frozen;

namespace Sharpgres;

/// <summary>One libpq connection keyword: its name, the environment variable that supplies its default, whether it is secret.</summary>
internal sealed record KeywordSpec(string Name, string? EnvVar, bool IsSecret = false);

/// <summary>
/// The connection keywords libpq (up to PostgreSQL 18) accepts, plus Sharpgres' own <c>host_recheck_seconds</c>.
/// Keywords are case-sensitive, as in libpq.
/// </summary>
internal static class Keywords
{
    public const string Host = "host";
    public const string HostAddr = "hostaddr";
    public const string Port = "port";
    public const string DbName = "dbname";
    public const string User = "user";
    public const string Password = "password";
    public const string PassFile = "passfile";
    public const string Service = "service";
    public const string ServiceFile = "servicefile";
    public const string SslMode = "sslmode";
    public const string RequireSsl = "requiressl";
    public const string SslRootCert = "sslrootcert";
    public const string SslNegotiation = "sslnegotiation";

    /// <summary>In libpq's order (which is also the order env vars are consulted in).</summary>
    public static readonly IReadOnlyList<KeywordSpec> All =
    [
        new("service", "PGSERVICE"),
        new("servicefile", "PGSERVICEFILE"),
        new("user", "PGUSER"),
        new("password", "PGPASSWORD", IsSecret: true),
        new("passfile", "PGPASSFILE"),
        new("channel_binding", "PGCHANNELBINDING"),
        new("connect_timeout", "PGCONNECT_TIMEOUT"),
        new("dbname", "PGDATABASE"),
        new("host", "PGHOST"),
        new("hostaddr", "PGHOSTADDR"),
        new("port", "PGPORT"),
        new("client_encoding", "PGCLIENTENCODING"),
        new("options", "PGOPTIONS"),
        new("application_name", "PGAPPNAME"),
        new("fallback_application_name", null),
        new("keepalives", null),
        new("keepalives_idle", null),
        new("keepalives_interval", null),
        new("keepalives_count", null),
        new("tcp_user_timeout", null),
        new("sslmode", "PGSSLMODE"),
        new("sslnegotiation", "PGSSLNEGOTIATION"),
        new("requiressl", "PGREQUIRESSL"),
        new("sslcompression", "PGSSLCOMPRESSION"),
        new("sslcert", "PGSSLCERT"),
        new("sslkey", "PGSSLKEY"),
        new("sslcertmode", "PGSSLCERTMODE"),
        new("sslpassword", null, IsSecret: true),
        new("sslrootcert", "PGSSLROOTCERT"),
        new("sslcrl", "PGSSLCRL"),
        new("sslcrldir", "PGSSLCRLDIR"),
        new("sslsni", "PGSSLSNI"),
        new("sslkeylogfile", null),
        new("requirepeer", "PGREQUIREPEER"),
        new("require_auth", "PGREQUIREAUTH"),
        new("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION"),
        new("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION"),
        new("min_protocol_version", "PGMINPROTOCOLVERSION"),
        new("max_protocol_version", "PGMAXPROTOCOLVERSION"),
        new("gssencmode", "PGGSSENCMODE"),
        new("krbsrvname", "PGKRBSRVNAME"),
        new("gsslib", "PGGSSLIB"),
        new("gssdelegation", "PGGSSDELEGATION"),
        new("replication", null),
        new("target_session_attrs", "PGTARGETSESSIONATTRS"),
        new("load_balance_hosts", "PGLOADBALANCEHOSTS"),
        // Not libpq's: Sharpgres' host-state cache (Npgsql's Host Recheck Seconds), see HighAvailability/HostStates.
        new("host_recheck_seconds", null),
        new("scram_client_key", null, IsSecret: true),
        new("scram_server_key", null, IsSecret: true),
        new("oauth_issuer", null),
        new("oauth_client_id", null),
        new("oauth_client_secret", null, IsSecret: true),
        new("oauth_scope", null),
        // Sharpgres's own (as Npgsql's Cancellation Timeout): how long a cancelled statement may take to end before
        // the connection is closed and marked broken. Seconds, default 5.
        new("cancel_timeout", null),
    ];

    private static readonly FrozenDictionary<string, KeywordSpec> ByName =
        All.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>Common non-libpq spellings, used only to add a hint to the error message.</summary>
    private static readonly FrozenDictionary<string, string> Hints = new Dictionary<string, string>
    {
        ["database"] = "dbname",
        ["db"] = "dbname",
        ["username"] = "user",
        ["hostname"] = "host",
        ["server"] = "host",
        ["pwd"] = "password",
        ["passwd"] = "password",
        ["pass"] = "password",
        ["ssl_mode"] = "sslmode",
        ["appname"] = "application_name",
        ["timeout"] = "connect_timeout",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsKnown(string keyword) => ByName.ContainsKey(keyword);

    public static bool IsSecret(string keyword) => ByName.TryGetValue(keyword, out var spec) && spec.IsSecret;

    /// <summary>Throws libpq's <c>invalid connection option "x"</c> unless <paramref name="keyword"/> is a libpq keyword.</summary>
    public static void Require(string keyword, string? context = null)
    {
        if (!IsKnown(keyword))
            throw new ProgrammingError(InvalidOptionMessage(keyword, context));
    }

    public static string InvalidOptionMessage(string keyword, string? context = null)
    {
        var message = $"invalid connection option \"{keyword}\"";
        if (context is not null)
            message += " " + context;
        if (Hints.TryGetValue(keyword, out var hint) || Hints.TryGetValue(keyword.ToLowerInvariant(), out hint))
            message += $" (did you mean \"{hint}\"?)";
        else if (keyword != keyword.ToLowerInvariant() && IsKnown(keyword.ToLowerInvariant()))
            message += $" (keywords are lower case: \"{keyword.ToLowerInvariant()}\")";
        return message;
    }
}
