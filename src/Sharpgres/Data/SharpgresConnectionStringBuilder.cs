using System.Collections.Frozen;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sharpgres.Data;

/// <summary>
/// The ADO.NET connection string (<c>Host=db;Database=app;Username=app;Password=...</c>) with Npgsql's keys, so moving
/// from Npgsql is changing a type name. Keys are case-insensitive and may be written with or without spaces
/// (<c>SSL Mode</c> = <c>SslMode</c>); libpq's own keywords (<c>dbname</c>, <c>sslmode</c> ...) are accepted too, and
/// a libpq conninfo string (<c>host=db dbname=app</c>) or URI (<c>postgresql://app@db/app</c>) given as the whole
/// string is translated. An unknown key raises an <see cref="ArgumentException"/> naming it. The connection keys map
/// onto libpq's (<see cref="ToConnectionInfo"/>); the pool and command keys are read by the ADO.NET layer.
/// </summary>
public sealed class SharpgresConnectionStringBuilder : DbConnectionStringBuilder
{
    /// <summary>A key: its canonical (Npgsql) name, the libpq keyword it sets (null for ADO.NET-only keys), its default.</summary>
    private sealed record Key(string Name, string? Libpq, object? Default);

    private static readonly Key[] AllKeys =
    [
        new("Host", "host", null), new("Port", "port", 5432), new("Database", "dbname", null),
        new("Username", "user", null), new("Password", "password", null), new("Passfile", "passfile", null),
        new("SSL Mode", "sslmode", null), new("Root Certificate", "sslrootcert", null),
        new("SSL Certificate", "sslcert", null), new("SSL Key", "sslkey", null), new("SSL Password", "sslpassword", null),
        new("Channel Binding", "channel_binding", null),
        new("Timeout", "connect_timeout", 15), new("Command Timeout", null, 30), new("Cancellation Timeout", null, 2000),
        new("Pooling", null, true), new("Minimum Pool Size", null, 0), new("Maximum Pool Size", null, 100),
        new("Connection Idle Lifetime", null, 300), new("Connection Lifetime", null, 0),
        new("Application Name", "application_name", null), new("Search Path", null, null),
        new("Options", "options", null), new("Client Encoding", "client_encoding", null), new("Timezone", null, null),
        new("Target Session Attributes", "target_session_attrs", null), new("Load Balance Hosts", "load_balance_hosts", null),
        new("Include Error Detail", null, false), new("Persist Security Info", null, false),
        new("Keepalive", "keepalives_idle", null), new("Tcp Keepalive", "keepalives", null),
        new("Max Auto Prepare", null, null), new("Auto Prepare Min Usages", null, 5),
        new("Enlist", null, false), new("No Reset On Close", null, false), new("Service", "service", null),
        new("Require Auth", "require_auth", null), new("GSS Encryption Mode", "gssencmode", null),
    ];

    private static readonly FrozenDictionary<string, Key> ByAlias = BuildAliases();

    private static FrozenDictionary<string, Key> BuildAliases()
    {
        var map = new Dictionary<string, Key>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in AllKeys)
        {
            map[Squash(key.Name)] = key;
            if (key.Libpq is { } libpq) map[Squash(libpq)] = key;
        }
        void Alias(string alias, string name) => map[Squash(alias)] = map[Squash(name)];
        Alias("Server", "Host"); Alias("DB", "Database"); Alias("User ID", "Username"); Alias("User Name", "Username");
        Alias("User", "Username"); Alias("UID", "Username"); Alias("PWD", "Password"); Alias("PSW", "Password");
        Alias("SslMode", "SSL Mode"); Alias("Connect Timeout", "Timeout"); Alias("Connection Timeout", "Timeout");
        Alias("CommandTimeout", "Command Timeout"); Alias("MinPoolSize", "Minimum Pool Size"); Alias("Min Pool Size", "Minimum Pool Size");
        Alias("MaxPoolSize", "Maximum Pool Size"); Alias("Max Pool Size", "Maximum Pool Size");
        Alias("ApplicationName", "Application Name"); Alias("SearchPath", "Search Path");
        Alias("TargetSessionAttributes", "Target Session Attributes"); Alias("IncludeErrorDetail", "Include Error Detail");
        Alias("Include Error Details", "Include Error Detail"); Alias("SSL Root Cert", "Root Certificate");
        Alias("Server Compatibility Mode", "Options");
        // Canonical names as written too: the typed properties (CommandTimeout and PersistSecurityInfo are read on
        // every command) then find their key without squashing (which allocates).
        foreach (var key in AllKeys)
            if (ReferenceEquals(map[Squash(key.Name)], key)) map[key.Name] = key;
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static string Squash(string key) => key.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);

    /// <summary>An empty builder.</summary>
    public SharpgresConnectionStringBuilder() { }

    /// <summary>A builder holding <paramref name="connectionString"/> (ADO.NET form, libpq conninfo or URI).</summary>
    public SharpgresConnectionStringBuilder(string? connectionString) => ConnectionString = connectionString ?? "";

    /// <summary>The ADO.NET form of the connection string; setting it also accepts libpq conninfo strings and URIs.</summary>
    public new string ConnectionString
    {
        get => base.ConnectionString;
        set
        {
            if (LooksLikeLibpq(value, out var info))
            {
                Clear();
                foreach (var (keyword, v) in info!.Values) this[keyword] = v;
                return;
            }
            base.ConnectionString = value;
        }
    }

    private static bool LooksLikeLibpq(string? value, out ConnectionInfo? info)
    {
        info = null;
        if (string.IsNullOrWhiteSpace(value)) return false;
        var trimmed = value.TrimStart();
        var isUri = trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
        if (!isUri && value.Contains(';')) return false;
        try { info = ConnectionInfo.Parse(value); return true; }
        catch (ProgrammingError) when (!isUri) { return false; }
        catch (ProgrammingError e) { throw new ArgumentException(e.Message, nameof(ConnectionString), e); }
    }

    /// <summary>Gets or sets a key by any of its names; an unknown key raises <see cref="ArgumentException"/> naming it.</summary>
    [AllowNull]
    public override object this[string keyword]
    {
        get
        {
            var key = Resolve(keyword);
            return TryGetValue(key.Name, out var value) ? value : key.Default!;
        }
        set
        {
            var key = Resolve(keyword);
            if (value is null) { Remove(key.Name); return; }
            base[key.Name] = Normalize(key, value);
        }
    }

    /// <summary>Canonical values for the typed keys, checked now: a bad number fails here, not at Open.</summary>
    private static object Normalize(Key key, object value)
    {
        if (key.Default is int)
        {
            try { return Convert.ToInt32(value, CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            { throw new ArgumentException($"invalid value for '{key.Name}': an integer is expected", key.Name, e); }
        }
        if (key.Default is bool)
        {
            if (value is bool b) return b;
            var text = Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim().ToLowerInvariant();
            return text switch
            {
                "true" or "yes" or "1" or "on" => true,
                "false" or "no" or "0" or "off" => false,
                _ => throw new ArgumentException($"invalid value for '{key.Name}': true or false is expected", key.Name),
            };
        }
        return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
    }

    private static Key Resolve(string keyword)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        if (Find(keyword, out var key)) return key;
        throw new ArgumentException($"connection string key '{keyword}' is not supported by Sharpgres", nameof(keyword));
    }

    private static bool Find(string keyword, out Key key) =>
        ByAlias.TryGetValue(keyword, out key!) || ByAlias.TryGetValue(Squash(keyword.Trim()), out key!);

    /// <summary>True when <paramref name="keyword"/> is a key of a value set in this builder.</summary>
    public override bool ContainsKey(string keyword) =>
        Find(keyword, out var key) && base.ContainsKey(key.Name);

    /// <summary>Removes a key by any of its names.</summary>
    public override bool Remove(string keyword) =>
        Find(keyword, out var key) && base.Remove(key.Name);

    /// <summary>The value of a key set in this builder, by any of its names.</summary>
    public override bool TryGetValue(string keyword, out object value)
    {
        if (Find(keyword, out var key) && base.TryGetValue(key.Name, out value!)) return true;
        value = null!;
        return false;
    }

    private T Get<T>(string name) => (T)Convert.ChangeType(this[name], typeof(T), CultureInfo.InvariantCulture);
    private string? GetString(string name) => TryGetValue(name, out var v) ? (string)v : null;

    /// <summary>Server host name(s), comma-separated for several (libpq's <c>host</c>).</summary>
    public string? Host { get => GetString("Host"); set => this["Host"] = value!; }
    /// <summary>TCP port (libpq's <c>port</c>), 5432 by default.</summary>
    public int Port { get => Get<int>("Port"); set => this["Port"] = value; }
    /// <summary>The database (libpq's <c>dbname</c>).</summary>
    public string? Database { get => GetString("Database"); set => this["Database"] = value!; }
    /// <summary>The role to log in as (libpq's <c>user</c>).</summary>
    public string? Username { get => GetString("Username"); set => this["Username"] = value!; }
    /// <summary>The password (libpq's <c>password</c>); never shown in messages.</summary>
    public string? Password { get => GetString("Password"); set => this["Password"] = value!; }
    /// <summary>libpq's <c>sslmode</c>: Disable, Allow, Prefer, Require, VerifyCA, VerifyFull.</summary>
    public string? SslMode { get => GetString("SSL Mode"); set => this["SSL Mode"] = value!; }
    /// <summary>Seconds to wait for a connection to open (libpq's <c>connect_timeout</c>), 15 by default.</summary>
    public int Timeout { get => Get<int>("Timeout"); set => this["Timeout"] = value; }
    /// <summary>Seconds a command may run before it is cancelled (0: no limit), 30 by default.</summary>
    public int CommandTimeout { get => Get<int>("Command Timeout"); set => this["Command Timeout"] = value; }
    /// <summary>Whether connections come from a pool shared by equal connection strings (default true).</summary>
    public bool Pooling { get => Get<bool>("Pooling"); set => this["Pooling"] = value; }
    /// <summary>
    /// Whether a pooled connection keeps its session state (SETs, temporary tables, LISTENs, advisory locks) for the
    /// next Open of the same pool (default false: it is reset, as Npgsql does).
    /// </summary>
    public bool NoResetOnClose { get => Get<bool>("No Reset On Close"); set => this["No Reset On Close"] = value; }
    /// <summary>The pool's minimum size (psycopg_pool's min_size), 0 by default.</summary>
    public int MinPoolSize { get => Get<int>("Minimum Pool Size"); set => this["Minimum Pool Size"] = value; }
    /// <summary>The pool's maximum size (psycopg_pool's max_size), 100 by default.</summary>
    public int MaxPoolSize { get => Get<int>("Maximum Pool Size"); set => this["Maximum Pool Size"] = value; }
    /// <summary>Seconds an idle pooled connection above the minimum is kept (psycopg_pool's max_idle), 300 by default.</summary>
    public int ConnectionIdleLifetime { get => Get<int>("Connection Idle Lifetime"); set => this["Connection Idle Lifetime"] = value; }
    /// <summary>Seconds a pooled connection lives at most (psycopg_pool's max_lifetime); 0: no limit.</summary>
    public int ConnectionLifetime { get => Get<int>("Connection Lifetime"); set => this["Connection Lifetime"] = value; }
    /// <summary>libpq's <c>application_name</c>, shown in pg_stat_activity.</summary>
    public string? ApplicationName { get => GetString("Application Name"); set => this["Application Name"] = value!; }
    /// <summary>The schema search path set at connect (<c>-c search_path=...</c>).</summary>
    public string? SearchPath { get => GetString("Search Path"); set => this["Search Path"] = value!; }
    /// <summary>libpq's <c>target_session_attrs</c>: any, primary, standby, prefer-standby, read-write, read-only.</summary>
    public string? TargetSessionAttributes { get => GetString("Target Session Attributes"); set => this["Target Session Attributes"] = value!; }
    /// <summary>Npgsql's key, accepted for compatibility: Sharpgres errors always carry the server's detail fields.</summary>
    public bool IncludeErrorDetail { get => Get<bool>("Include Error Detail"); set => this["Include Error Detail"] = value; }
    /// <summary>When false (default) the connection's ConnectionString loses its password once opened.</summary>
    public bool PersistSecurityInfo { get => Get<bool>("Persist Security Info"); set => this["Persist Security Info"] = value; }

    /// <summary>The connection string without its password: what may be shown or logged.</summary>
    public override string ToString()
    {
        var copy = new SharpgresConnectionStringBuilder { ConnectionString = ConnectionString };
        copy.Remove("Password");
        copy.Remove("SSL Password");
        return copy.ConnectionString;
    }

    /// <summary>The libpq connection parameters these keys stand for (what <see cref="Pg.Connect(ConnectionInfo, bool)"/> takes).</summary>
    public ConnectionInfo ToConnectionInfo()
    {
        var values = new List<KeyValuePair<string, string?>>();
        var options = new List<string>();
        foreach (string name in Keys)
        {
            var key = Resolve(name);
            var value = Convert.ToString(this[name], CultureInfo.InvariantCulture);
            if (key.Libpq is { } libpq)
            {
                if (libpq == "options") { options.Add(value!); continue; }
                values.Add(new(libpq, libpq switch
                {
                    "sslmode" => SslModeValue(value!),
                    "target_session_attrs" => value!.ToLowerInvariant().Replace("preferstandby", "prefer-standby").Replace("readwrite", "read-write").Replace("readonly", "read-only"),
                    "keepalives" => value is "True" or "true" ? "1" : value is "False" or "false" ? "0" : value,
                    _ => value,
                }));
            }
            else if (key.Name == "Search Path") options.Add("-c search_path=" + EscapeOption(value!));
            else if (key.Name == "Timezone") options.Add("-c TimeZone=" + EscapeOption(value!));
        }
        if (options.Count > 0) values.Add(new("options", string.Join(' ', options)));
        return ConnectionInfo.FromDictionary(values);
    }

    private static string EscapeOption(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(" ", "\\ ", StringComparison.Ordinal);

    private static string SslModeValue(string value) => value.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "disable" => "disable", "allow" => "allow", "prefer" => "prefer", "require" => "require",
        "verifyca" => "verify-ca", "verifyfull" => "verify-full",
        _ => throw new ArgumentException($"invalid SSL Mode '{value}': Disable, Allow, Prefer, Require, VerifyCA or VerifyFull"),
    };
}
