using System.Net;

namespace Sharpgres;

/// <summary>
/// Turns a <see cref="ConnectionInfo"/> into <see cref="ConnectionSettings"/> as libpq's connectOptions does.
/// Precedence: values in the connection info, then the service file (service from the <c>service</c> keyword
/// or PGSERVICE; its values fill only keywords not set explicitly), then environment variables, then defaults.
/// </summary>
internal static class ConnectionSettingsResolver
{
    public static ConnectionSettings Resolve(ConnectionInfo info, ResolveEnvironment env)
    {
        var warnings = new List<string>();
        var values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyword, value) in info.Values)
            values[keyword] = value;

        // 1. The service file fills what the connection info does not set.
        var service = Get(values, Keywords.Service) ?? env.GetEnv("PGSERVICE");
        if (service is not null)
        {
            foreach (var (keyword, value) in LoadService(service, values, env))
                values.TryAdd(keyword, value);
        }

        // 2. Environment variables fill what neither sets (libpq: even when set to an empty string).
        foreach (var spec in Keywords.All)
        {
            if (spec.EnvVar is null || values.ContainsKey(spec.Name))
                continue;
            if (env.GetEnv(spec.EnvVar) is { } value)
                values.Add(spec.Name, value);
        }
        // The deprecated requiressl (or PGREQUIRESSL) starting with '1' means sslmode=require, unless sslmode is set.
        if (!values.ContainsKey(Keywords.SslMode) && Get(values, Keywords.RequireSsl) is { } requireSsl && requireSsl.StartsWith('1'))
            values.Add(Keywords.SslMode, "require");

        // 3. Every value is checked: those from the service file and the environment have not been yet.
        foreach (var (keyword, value) in values)
        {
            if (!Keywords.IsSecret(keyword))
                KeywordValues.Validate(keyword, value);
        }

        // 4. Defaults and conversions.
        var user = NonEmpty(values, Keywords.User) ?? env.UserName();
        var dbName = NonEmpty(values, Keywords.DbName) ?? user;

        var sslMode = Get(values, Keywords.SslMode) is { } sslModeText ? KeywordValues.ParseSslMode(sslModeText) : (SslMode?)null;
        if (Get(values, Keywords.SslRootCert) == "system")
        {
            if (sslMode is null)
                sslMode = SslMode.VerifyFull;
            else if (sslMode != SslMode.VerifyFull)
                throw new ProgrammingError($"weak sslmode \"{KeywordValues.Format(sslMode.Value)}\" may not be used with sslrootcert=system (use \"verify-full\")");
        }
        var sslNegotiation = NonEmpty(values, Keywords.SslNegotiation) ?? "postgres";
        if (sslNegotiation == "direct" && sslMode is not (SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull))
            throw new ProgrammingError($"weak sslmode \"{KeywordValues.Format(sslMode ?? SslMode.Prefer)}\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");

        var sslMin = Get(values, "ssl_min_protocol_version") ?? "TLSv1.2";
        var sslMax = Get(values, "ssl_max_protocol_version");
        if (sslMax is not null)
        {
            var min = KeywordValues.SslProtocolRank("ssl_min_protocol_version", sslMin);
            var max = KeywordValues.SslProtocolRank("ssl_max_protocol_version", sslMax);
            if (min > 0 && max > 0 && min > max)
                throw new ProgrammingError("invalid SSL protocol version range");
        }

        var loadBalance = Get(values, "load_balance_hosts") is { } lb ? KeywordValues.ParseLoadBalanceHosts(lb) : LoadBalanceHosts.Disable;
        var targets = BuildTargets(values, env, user, dbName, warnings, out var passFilePath);
        if (loadBalance == LoadBalanceHosts.Random)
            Shuffle(targets, env.Random);

        var clientEncoding = NonEmpty(values, "client_encoding");
        var keepAlives = Get(values, "keepalives") is { } ka ? KeywordValues.ParseInt(ka, "keepalives") != 0 : (bool?)null;

        return new ConnectionSettings
        {
            Targets = targets,
            DbName = dbName,
            User = user,
            ApplicationName = Get(values, "application_name"),
            FallbackApplicationName = Get(values, "fallback_application_name"),
            Options = Get(values, "options"),
            ClientEncoding = clientEncoding is null or "auto" ? "UTF8" : clientEncoding,
            SslMode = sslMode ?? SslMode.Prefer,
            SslRootCert = Get(values, Keywords.SslRootCert),
            SslCert = Get(values, "sslcert"),
            SslKey = Get(values, "sslkey"),
            SslPassword = Get(values, "sslpassword"),
            SslCrl = Get(values, "sslcrl"),
            SslCrlDir = Get(values, "sslcrldir"),
            SslCertMode = Get(values, "sslcertmode") ?? "allow",
            SslSni = Get(values, "sslsni") is not { } sni || sni.StartsWith('1'),
            SslMinProtocolVersion = sslMin,
            SslMaxProtocolVersion = sslMax,
            SslNegotiation = sslNegotiation,
            ChannelBinding = Get(values, "channel_binding") is { } cb ? KeywordValues.ParseChannelBinding(cb) : ChannelBinding.Prefer,
            ConnectTimeout = ConnectTimeout(Get(values, "connect_timeout")),
            CancelTimeout = Get(values, "cancel_timeout") is { } cancel ? KeywordValues.ParseCancelTimeout(cancel) : TimeSpan.FromSeconds(5),
            TargetSessionAttrs = Get(values, "target_session_attrs") is { } tsa ? KeywordValues.ParseTargetSessionAttrs(tsa) : TargetSessionAttrs.Any,
            LoadBalanceHosts = loadBalance,
            HostRecheck = TimeSpan.FromSeconds(OptionalInt(values, "host_recheck_seconds") ?? 10),
            KeepAlives = keepAlives,
            KeepAlivesIdle = OptionalInt(values, "keepalives_idle"),
            KeepAlivesInterval = OptionalInt(values, "keepalives_interval"),
            KeepAlivesCount = OptionalInt(values, "keepalives_count"),
            TcpUserTimeout = OptionalInt(values, "tcp_user_timeout"),
            RequireAuth = Get(values, "require_auth"),
            RequirePeer = NonEmpty(values, "requirepeer"),
            Replication = Get(values, "replication"),
            GssEncMode = Get(values, "gssencmode"),
            Service = service,
            PassFile = passFilePath,
            Warnings = warnings,
            Effective = ConnectionInfo.FromChecked(values),
        };
    }

    /// <summary>
    /// The service's settings: first from the user's file (servicefile keyword, PGSERVICEFILE or ~/.pg_service.conf),
    /// else from the system file. A service found in neither is an error.
    /// </summary>
    private static List<KeyValuePair<string, string>> LoadService(string service, OrderedDictionary<string, string> values, ResolveEnvironment env)
    {
        var userFile = NonEmpty(values, Keywords.ServiceFile);
        if (userFile is null)
        {
            var fromEnv = env.GetEnv("PGSERVICEFILE");
            userFile = string.IsNullOrEmpty(fromEnv) ? env.DefaultUserServiceFile() : fromEnv;
        }
        if (userFile is not null && ServiceFile.Find(userFile, service) is { } fromUserFile)
            return fromUserFile;
        if (ServiceFile.Find(env.SystemServiceFile(), service) is { } fromSystemFile)
            return fromSystemFile;
        throw new ProgrammingError($"definition of service \"{service}\" not found");
    }

    /// <summary>libpq's host list expansion: host, hostaddr and port are parallel comma lists; a single port applies to all.</summary>
    private static List<ConnectTarget> BuildTargets(
        OrderedDictionary<string, string> values, ResolveEnvironment env, string user, string dbName,
        List<string> warnings, out string? passFilePath)
    {
        var hosts = SplitList(Get(values, Keywords.Host));
        var hostAddrs = SplitList(Get(values, Keywords.HostAddr));
        var ports = SplitList(Get(values, Keywords.Port));

        if (hosts.Length > 0 && hostAddrs.Length > 0 && hosts.Length != hostAddrs.Length)
            throw new ProgrammingError($"could not match {hosts.Length} host names to {hostAddrs.Length} hostaddr values");
        var count = Math.Max(1, Math.Max(hosts.Length, hostAddrs.Length));
        if (ports.Length > 1 && ports.Length != count)
            throw new ProgrammingError($"could not match {ports.Length} port numbers to {count} hosts");

        var password = Get(values, Keywords.Password);
        string? defaultHost = null;
        string DefaultHost() => defaultHost ??= env.DefaultHost();

        PassFile? passFile = null;
        var passFileLoaded = false;
        passFilePath = null;

        var targets = new List<ConnectTarget>(count);
        for (var i = 0; i < count; i++)
        {
            var host = hosts.Length > 0 ? hosts[i] : "";
            var hostAddr = hostAddrs.Length > 0 ? hostAddrs[i] : "";
            var portText = ports.Length == 0 ? "" : ports.Length == 1 ? ports[0] : ports[i];
            var port = KeywordValues.ParsePort(portText);

            if (hostAddr.Length > 0 && !IPAddress.TryParse(hostAddr, out _))
                throw new ProgrammingError($"could not parse network address \"{hostAddr}\"");

            string targetHost;
            string passFileHost;
            if (host.Length > 0)
            {
                targetHost = host;
                passFileHost = IsSocketPath(host) && host == DefaultHost() ? "localhost" : host;
            }
            else if (hostAddr.Length > 0)
            {
                targetHost = hostAddr;
                passFileHost = hostAddr;
            }
            else
            {
                targetHost = DefaultHost();
                passFileHost = "localhost";
            }

            var targetPassword = string.IsNullOrEmpty(password) ? null : password;
            if (targetPassword is null)
            {
                if (!passFileLoaded)
                {
                    passFileLoaded = true;
                    passFilePath = NonEmpty(values, Keywords.PassFile) ?? env.DefaultPassFile();
                    if (passFilePath is not null)
                        passFile = PassFile.Load(passFilePath, env.CheckPassFilePermissions && !env.IsWindows, warnings);
                }
                var portForFile = portText.Length > 0 ? portText : KeywordValues.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
                targetPassword = passFile?.Find(passFileHost, portForFile, dbName, user) ?? password;
            }

            targets.Add(new ConnectTarget(targetHost, hostAddr.Length > 0 ? hostAddr : null, port, targetPassword));
        }
        return targets;
    }

    private static bool IsSocketPath(string host) => host.StartsWith('/') || host.StartsWith('@');

    /// <summary>libpq: zero, negative or unset means no timeout; the minimum is 2 seconds, so 1 means 2.</summary>
    private static TimeSpan? ConnectTimeout(string? text)
    {
        if (text is null)
            return null;
        var seconds = KeywordValues.ParseInt(text, "connect_timeout");
        if (seconds <= 0)
            return null;
        return TimeSpan.FromSeconds(Math.Max(seconds, 2));
    }

    private static int? OptionalInt(OrderedDictionary<string, string> values, string keyword) =>
        Get(values, keyword) is { } text ? KeywordValues.ParseInt(text, keyword) : null;

    private static void Shuffle(List<ConnectTarget> targets, Random random)
    {
        for (var i = targets.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (targets[i], targets[j]) = (targets[j], targets[i]);
        }
    }

    private static string[] SplitList(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split(',');

    private static string? Get(OrderedDictionary<string, string> values, string keyword) =>
        values.TryGetValue(keyword, out var value) ? value : null;

    private static string? NonEmpty(OrderedDictionary<string, string> values, string keyword) =>
        values.TryGetValue(keyword, out var value) && value.Length > 0 ? value : null;
}
