using System.Globalization;

namespace Sharpgres;

/// <summary>
/// Checks and converts the values of single keywords, with libpq's error messages.
/// Cross-keyword checks (host/port counts and the like) are made when a <see cref="ConnectionInfo"/> is resolved.
/// Values of secret keywords are never checked, so never echoed.
/// </summary>
internal static class KeywordValues
{
    public const int DefaultPort = 5432;

    /// <summary>Throws <see cref="ProgrammingError"/> if <paramref name="value"/> is not acceptable for <paramref name="keyword"/>.</summary>
    public static void Validate(string keyword, string value)
    {
        switch (keyword)
        {
            case "port":
                foreach (var entry in value.Split(','))
                    if (entry.Length > 0)
                        ParsePort(entry);
                break;
            case "connect_timeout":
            case "keepalives":
            case "keepalives_idle":
            case "keepalives_interval":
            case "keepalives_count":
            case "tcp_user_timeout":
                ParseInt(value, keyword);
                break;
            case "cancel_timeout":
                ParseCancelTimeout(value);
                break;
            case "host_recheck_seconds":
                if (ParseInt(value, keyword) < 0)
                    throw new ProgrammingError($"invalid value \"{value}\" for connection option \"{keyword}\": must be 0 or more");
                break;
            case "sslmode":
                ParseSslMode(value);
                break;
            case "channel_binding":
                ParseChannelBinding(value);
                break;
            case "target_session_attrs":
                ParseTargetSessionAttrs(value);
                break;
            case "load_balance_hosts":
                ParseLoadBalanceHosts(value);
                break;
            case "gssencmode":
                CheckChoice(keyword, value, "disable", "prefer", "require");
                break;
            case "sslcertmode":
                CheckChoice(keyword, value, "disable", "allow", "require");
                break;
            case "sslnegotiation":
                CheckChoice(keyword, value, "postgres", "direct");
                break;
            case "ssl_min_protocol_version":
            case "ssl_max_protocol_version":
                SslProtocolRank(keyword, value);
                break;
            case "min_protocol_version":
            case "max_protocol_version":
                CheckChoice(keyword, value, "3.0", "3.2", "latest");
                break;
            case "require_auth":
                ValidateRequireAuth(value);
                break;
        }
    }

    /// <summary>libpq's parse_int_param: optional surrounding white space, optional sign, decimal digits, must fit an int.</summary>
    public static int ParseInt(string value, string keyword)
    {
        var trimmed = value.AsSpan().Trim(" \t\n\v\f\r");
        if (trimmed.Length == 0
            || !int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
            throw new ProgrammingError($"invalid integer value \"{value}\" for connection option \"{keyword}\"");
        return result;
    }

    /// <summary>One entry of the <c>port</c> list; empty means the default port.</summary>
    public static int ParsePort(string entry)
    {
        if (entry.Length == 0)
            return DefaultPort;
        var port = ParseInt(entry, "port");
        if (port is < 1 or > 65535)
            throw new ProgrammingError($"invalid port number: \"{entry}\"");
        return port;
    }

    public static SslMode ParseSslMode(string value) => value switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw Invalid("sslmode", value),
    };

    public static string Format(SslMode mode) => mode switch
    {
        SslMode.Disable => "disable",
        SslMode.Allow => "allow",
        SslMode.Prefer => "prefer",
        SslMode.Require => "require",
        SslMode.VerifyCA => "verify-ca",
        _ => "verify-full",
    };

    public static ChannelBinding ParseChannelBinding(string value) => value switch
    {
        "disable" => ChannelBinding.Disable,
        "prefer" => ChannelBinding.Prefer,
        "require" => ChannelBinding.Require,
        _ => throw Invalid("channel_binding", value),
    };

    public static TargetSessionAttrs ParseTargetSessionAttrs(string value) => value switch
    {
        "any" => TargetSessionAttrs.Any,
        "read-write" => TargetSessionAttrs.ReadWrite,
        "read-only" => TargetSessionAttrs.ReadOnly,
        "primary" => TargetSessionAttrs.Primary,
        "standby" => TargetSessionAttrs.Standby,
        "prefer-standby" => TargetSessionAttrs.PreferStandby,
        _ => throw Invalid("target_session_attrs", value),
    };

    public static LoadBalanceHosts ParseLoadBalanceHosts(string value) => value switch
    {
        "disable" => LoadBalanceHosts.Disable,
        "random" => LoadBalanceHosts.Random,
        _ => throw Invalid("load_balance_hosts", value),
    };

    /// <summary>Rank of a TLS version name (case-insensitive, as libpq); empty means unbounded (0).</summary>
    public static int SslProtocolRank(string keyword, string value)
    {
        if (value.Length == 0)
            return 0;
        return value.ToLowerInvariant() switch
        {
            "tlsv1" => 1,
            "tlsv1.1" => 2,
            "tlsv1.2" => 3,
            "tlsv1.3" => 4,
            _ => throw Invalid(keyword, value),
        };
    }

    private static readonly string[] AuthMethods = ["password", "md5", "gss", "sspi", "scram-sha-256", "oauth", "none"];

    /// <summary>cancel_timeout: seconds (a fraction allowed), more than zero: a cancel always has a bounded wait.</summary>
    public static TimeSpan ParseCancelTimeout(string value)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 86400)
            throw new ProgrammingError($"invalid cancel_timeout value: \"{value}\" (seconds, more than 0)");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>libpq's require_auth: a comma list of methods, all negated with '!' or none of them, no repeats.</summary>
    private static void ValidateRequireAuth(string value)
    {
        bool? negated = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in value.Split(','))
        {
            var isNegated = item.StartsWith('!');
            var method = isNegated ? item[1..] : item;
            if (negated is { } n && n != isNegated)
                throw new ProgrammingError(isNegated
                    ? $"negative require_auth method \"{item}\" cannot be mixed with non-negative methods"
                    : $"require_auth method \"{item}\" cannot be mixed with negative methods");
            negated = isNegated;
            if (!AuthMethods.Contains(method, StringComparer.Ordinal))
                throw new ProgrammingError($"invalid require_auth value: \"{method}\"");
            if (!seen.Add(method))
                throw new ProgrammingError($"require_auth method \"{method}\" is specified more than once");
        }
    }

    private static void CheckChoice(string keyword, string value, params string[] choices)
    {
        if (!choices.Contains(value, StringComparer.Ordinal))
            throw Invalid(keyword, value);
    }

    private static ProgrammingError Invalid(string keyword, string value) =>
        new($"invalid {keyword} value: \"{value}\"");
}
