using System.Collections.ObjectModel;
using System.Text;

namespace Sharpgres;

/// <summary>
/// An immutable set of libpq connection keywords and their values, as given by the application: parsed from a
/// key/value connection string (<c>host=db port=5432 dbname=app</c>) or a URI (<c>postgresql://user@db/app</c>),
/// read from an INI file, or built from pairs. Only libpq's keywords are accepted, and the values that libpq checks
/// (port, sslmode, connect_timeout, ...) are checked as they are set, raising <see cref="ProgrammingError"/>.
/// Nothing is looked up here: the service file, environment variables, password file and defaults are applied
/// when the connection resolves it.
/// <see cref="ToString"/> never shows the password.
/// </summary>
public sealed class ConnectionInfo
{
    private const string Mask = "********";

    private readonly OrderedDictionary<string, string> _values;

    private ConnectionInfo(OrderedDictionary<string, string> values)
    {
        _values = values;
        Values = new ReadOnlyDictionary<string, string>(values);
    }

    /// <summary>No keyword set: everything comes from the service file, the environment and the defaults.</summary>
    public static ConnectionInfo Empty { get; } = new(new OrderedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>
    /// Parses a libpq connection string: either <c>keyword=value</c> pairs separated by white space (values may be
    /// single-quoted, with <c>\'</c>, <c>''</c> and <c>\\</c> inside) or a URI starting with <c>postgresql://</c> or
    /// <c>postgres://</c>. An empty string gives <see cref="Empty"/>. A keyword given twice keeps its last value.
    /// </summary>
    /// <exception cref="ProgrammingError">The string is malformed, or has an unknown keyword or an invalid value.</exception>
    public static ConnectionInfo Parse(string conninfoOrUri)
    {
        ArgumentNullException.ThrowIfNull(conninfoOrUri);
        // Unlike libpq, white space around a URI is allowed (libpq would take the URI for a keyword).
        var trimmed = conninfoOrUri.Trim(ConninfoParser.Whitespace);
        var pairs = ConninfoUriParser.IsUri(trimmed)
            ? ConninfoUriParser.Parse(trimmed)
            : ConninfoParser.Parse(conninfoOrUri);
        return pairs.Count == 0 ? Empty : Build(Empty, pairs, context: null);
    }

    /// <summary>
    /// Reads a section of an INI file such as the tutorials' <c>database.ini</c>:
    /// <code>
    /// [postgresql]
    /// host = localhost
    /// dbname = suppliers
    /// user = postgres
    /// password = secret
    /// </code>
    /// Keys are any libpq keywords (case-insensitive, as Python's configparser lower-cases them);
    /// <c>key: value</c> also works, and lines starting with '#' or ';' are comments.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ProgrammingError">The file has no such section, is malformed, or has an unknown key or an invalid value.</exception>
    public static ConnectionInfo FromIniFile(string path, string section)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(section);
        var ini = IniFile.Load(path);
        var values = ini.GetSection(section)
            ?? throw new ProgrammingError($"section \"{section}\" not found in the \"{path}\" file");
        return Build(Empty, values, context: $"in section \"{section}\" of \"{path}\"");
    }

    /// <summary>Builds from keyword/value pairs (a later pair overrides an earlier one); null values are skipped.</summary>
    /// <exception cref="ProgrammingError">An unknown keyword or an invalid value.</exception>
    public static ConnectionInfo FromDictionary(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (keyword, value) in values)
        {
            ArgumentNullException.ThrowIfNull(keyword, nameof(values));
            if (value is not null)
                pairs.Add(new(keyword, value));
        }
        return Build(Empty, pairs, context: null);
    }

    /// <summary>A copy with <paramref name="keyword"/> set to <paramref name="value"/>, or removed if it is null.</summary>
    /// <exception cref="ProgrammingError">An unknown keyword or an invalid value.</exception>
    public ConnectionInfo With(string keyword, string? value)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        Keywords.Require(keyword);
        if (value is null)
        {
            if (!_values.ContainsKey(keyword))
                return this;
            var copy = Copy();
            copy.Remove(keyword);
            return new ConnectionInfo(copy);
        }
        return Build(this, [new(keyword, value)], context: null);
    }

    /// <summary>A copy with every keyword of <paramref name="overrides"/> set to its value there.</summary>
    public ConnectionInfo Merge(ConnectionInfo overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides._values.Count == 0)
            return this;
        if (_values.Count == 0)
            return overrides;
        var copy = Copy();
        foreach (var (keyword, value) in overrides._values)
            copy[keyword] = value;
        return new ConnectionInfo(copy);
    }

    /// <summary>The value of <paramref name="keyword"/>, or null when it is not set.</summary>
    public string? this[string keyword] => _values.TryGetValue(keyword, out var value) ? value : null;

    /// <summary>
    /// Every keyword set, in the order first set, with its value, the password included: for the driver's own use
    /// (resolving, connecting). Show <see cref="ToString"/> to people instead.
    /// </summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>Whether <paramref name="keyword"/> (a libpq keyword such as <c>host</c> or <c>sslmode</c>) is set, even to an empty value.</summary>
    public bool Contains(string keyword) => _values.ContainsKey(keyword);

    /// <summary>libpq's <c>host</c>: the host name(s), IP address(es) or Unix-socket directory(ies), comma-separated for multiple hosts; null when not set.</summary>
    public string? Host => this["host"];
    /// <summary>libpq's <c>hostaddr</c>: numeric IP address(es) to connect to without a DNS lookup (host then names the server for TLS and pgpass); null when not set.</summary>
    public string? HostAddr => this["hostaddr"];
    /// <summary>libpq's <c>port</c>: the TCP port (or the Unix socket's file extension), one per host or one for all, as written; null when not set (5432).</summary>
    public string? Port => this["port"];
    /// <summary>libpq's <c>dbname</c>: the database to connect to; null when not set (the user name is used).</summary>
    public string? DbName => this["dbname"];
    /// <summary>libpq's <c>user</c>: the PostgreSQL role to connect as; null when not set (the OS user name is used).</summary>
    public string? User => this["user"];
    /// <summary>libpq's <c>password</c>: the password for password, md5 or SCRAM authentication; null when not set (then the pgpass file is consulted).</summary>
    public string? Password => this["password"];
    /// <summary>libpq's <c>passfile</c>: the pgpass file to read passwords from; null when not set (<c>~/.pgpass</c>).</summary>
    public string? PassFile => this["passfile"];
    /// <summary>libpq's <c>application_name</c>: sent as the <c>application_name</c> setting, shown in <c>pg_stat_activity</c>; null when not set.</summary>
    public string? ApplicationName => this["application_name"];
    /// <summary>libpq's <c>fallback_application_name</c>: the application_name used when <see cref="ApplicationName"/> is not set; null when not set.</summary>
    public string? FallbackApplicationName => this["fallback_application_name"];
    /// <summary>libpq's <c>options</c>: command-line options sent to the server at startup, e.g. <c>-c search_path=app</c>; null when not set.</summary>
    public string? Options => this["options"];
    /// <summary>libpq's <c>client_encoding</c>: the session's client_encoding setting; null when not set.</summary>
    public string? ClientEncoding => this["client_encoding"];
    /// <summary>libpq's <c>sslmode</c> as written (<c>disable</c>, <c>allow</c>, <c>prefer</c>, <c>require</c>, <c>verify-ca</c>, <c>verify-full</c>); null when not set (<c>prefer</c>).</summary>
    public string? SslMode => this["sslmode"];
    /// <summary>libpq's <c>sslrootcert</c>: the file of trusted CA certificates that verify the server's, or <c>system</c> for the OS's trust store; null when not set.</summary>
    public string? SslRootCert => this["sslrootcert"];
    /// <summary>libpq's <c>sslcert</c>: the client certificate file presented for <c>cert</c> authentication; null when not set.</summary>
    public string? SslCert => this["sslcert"];
    /// <summary>libpq's <c>sslkey</c>: the private key of <see cref="SslCert"/>; null when not set.</summary>
    public string? SslKey => this["sslkey"];
    /// <summary>libpq's <c>service</c>: the section of pg_service.conf whose keywords fill in what the conninfo leaves unset; null when not set.</summary>
    public string? Service => this["service"];
    /// <summary>libpq's <c>connect_timeout</c>: the seconds allowed for each host's connection attempt, as written; null when not set (no limit).</summary>
    public string? ConnectTimeout => this["connect_timeout"];
    /// <summary>libpq's <c>target_session_attrs</c> as written (<c>any</c>, <c>read-write</c>, <c>primary</c>, <c>standby</c> ...): which server of a multi-host list is acceptable; null when not set.</summary>
    public string? TargetSessionAttrs => this["target_session_attrs"];
    /// <summary>libpq's <c>channel_binding</c> as written (<c>disable</c>, <c>prefer</c>, <c>require</c>): SCRAM-SHA-256-PLUS over TLS; null when not set.</summary>
    public string? ChannelBinding => this["channel_binding"];
    /// <summary>libpq's <c>load_balance_hosts</c> as written (<c>disable</c>, <c>random</c>): whether the hosts are tried in a random order; null when not set.</summary>
    public string? LoadBalanceHosts => this["load_balance_hosts"];

    /// <summary>
    /// <c>host_recheck_seconds</c> (Sharpgres' own keyword; ADO.NET's <c>Host Recheck Seconds</c>): how long a host
    /// found down or of the wrong kind is tried last by the process's connection attempts (default 10, 0 = off).
    /// </summary>
    public string? HostRecheckSeconds => this["host_recheck_seconds"];

    /// <summary>libpq's <c>require_auth</c>: the authentication methods the client accepts from the server (e.g. <c>scram-sha-256</c>, <c>!password</c>); null when not set.</summary>
    public string? RequireAuth => this["require_auth"];

    /// <summary>
    /// A libpq key/value connection string for these values, quoted so that libpq reads it back unchanged.
    /// Secret values (password, sslpassword, ...) are left out unless <paramref name="includePassword"/>.
    /// </summary>
    public string ToConnectionString(bool includePassword = false) => Format(includePassword ? null : "");

    /// <summary>The key/value connection string with any password shown as <c>********</c>.</summary>
    public override string ToString() => Format(Mask);

    /// <param name="secretReplacement">null: show secrets; "": leave them out; otherwise: show this instead.</param>
    private string Format(string? secretReplacement)
    {
        var sb = new StringBuilder();
        foreach (var (keyword, value) in _values)
        {
            string text;
            if (secretReplacement is not null && Keywords.IsSecret(keyword))
            {
                if (secretReplacement.Length == 0)
                    continue;
                text = secretReplacement;
            }
            else
            {
                text = ConninfoParser.Quote(value);
            }
            if (sb.Length > 0)
                sb.Append(' ');
            sb.Append(keyword).Append('=').Append(text);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Applies the service file, the environment (through <paramref name="getEnv"/>, default the process's), the
    /// password file (in <paramref name="homeDirectory"/>, default the user's) and libpq's defaults; checks and
    /// converts everything.
    /// </summary>
    /// <exception cref="ProgrammingError">Invalid or inconsistent values, or a service that is not defined.</exception>
    internal ConnectionSettings Resolve(Func<string, string?>? getEnv = null, string? homeDirectory = null) =>
        Resolve(new ResolveEnvironment
        {
            GetEnv = getEnv ?? Environment.GetEnvironmentVariable,
            HomeDirectory = homeDirectory,
        });

    internal ConnectionSettings Resolve(ResolveEnvironment environment) =>
        ConnectionSettingsResolver.Resolve(this, environment);

    /// <summary>Wraps values already checked (by the resolver); the dictionary must not be changed afterwards.</summary>
    internal static ConnectionInfo FromChecked(OrderedDictionary<string, string> values) => new(values);

    private OrderedDictionary<string, string> Copy()
    {
        var copy = new OrderedDictionary<string, string>(_values.Count + 1, StringComparer.Ordinal);
        foreach (var (keyword, value) in _values)
            copy.Add(keyword, value);
        return copy;
    }

    private static ConnectionInfo Build(ConnectionInfo baseInfo, IEnumerable<KeyValuePair<string, string>> pairs, string? context)
    {
        var values = baseInfo.Copy();
        foreach (var (keyword, value) in pairs)
        {
            if (!Keywords.IsKnown(keyword))
                throw new ProgrammingError(Keywords.InvalidOptionMessage(keyword, context));
            if (!Keywords.IsSecret(keyword))
                KeywordValues.Validate(keyword, value);
            values[keyword] = value;
        }
        return new ConnectionInfo(values);
    }
}
