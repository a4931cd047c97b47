using System.Text;

namespace Sharpgres;

/// <summary>
/// Parser for libpq's connection URIs:
/// <c>postgresql://[user[:password]@][host][:port][,...][/dbname][?param1=value1&amp;...]</c>
/// (also <c>postgres://</c>). Follows libpq's conninfo_uri_parse: every component is percent-decoded,
/// IPv6 addresses go in brackets, several <c>host[:port]</c> pairs are separated by commas, query
/// parameters are any connection keywords (plus JDBC's <c>ssl=true</c>) and override the earlier parts.
/// Error messages never show a password: the URI is quoted with the password masked.
/// </summary>
internal static class ConninfoUriParser
{
    private const string Mask = "********";
    private static readonly string[] Prefixes = ["postgresql://", "postgres://"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsUri(string s) => PrefixLength(s) > 0;

    private static int PrefixLength(string s)
    {
        foreach (var prefix in Prefixes)
            if (s.StartsWith(prefix, StringComparison.Ordinal))
                return prefix.Length;
        return 0;
    }

    public static List<KeyValuePair<string, string>> Parse(string uri)
    {
        var result = new List<KeyValuePair<string, string>>();
        var start = PrefixLength(uri);
        if (start == 0)
            throw new ProgrammingError($"invalid URI: \"{MaskUri(uri)}\" (expected \"postgresql://\" or \"postgres://\")");

        // Credentials: "user[:password]@" if an '@' comes before any '/'.
        var p = start;
        while (p < uri.Length && uri[p] != '@' && uri[p] != '/')
            p++;
        if (p < uri.Length && uri[p] == '@')
        {
            var at = p;
            var colon = uri.IndexOf(':', start, at - start);
            var user = uri[start..(colon < 0 ? at : colon)];
            if (user.Length > 0)
                result.Add(new("user", Decode(uri, user, secretOf: null)));
            if (colon >= 0)
            {
                var password = uri[(colon + 1)..at];
                if (password.Length > 0)
                    result.Add(new("password", Decode(uri, password, secretOf: "password")));
            }
            p = at + 1;
        }
        else
        {
            p = start;
        }

        // Hosts and ports: netloc[:port][,netloc[:port]...]
        var hosts = new StringBuilder();
        var ports = new StringBuilder();
        char terminator;
        while (true)
        {
            string host;
            if (p < uri.Length && uri[p] == '[')
            {
                var open = ++p;
                while (p < uri.Length && uri[p] != ']')
                    p++;
                if (p >= uri.Length)
                    throw new ProgrammingError($"end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"{MaskUri(uri)}\"");
                if (p == open)
                    throw new ProgrammingError($"IPv6 host address may not be empty in URI: \"{MaskUri(uri)}\"");
                host = uri[open..p];
                p++;
                if (p < uri.Length && uri[p] is not (':' or '/' or '?' or ','))
                    throw new ProgrammingError($"unexpected character \"{uri[p]}\" at position {p + 1} in URI (expected \":\" or \"/\"): \"{MaskUri(uri)}\"");
            }
            else
            {
                var hostStart = p;
                while (p < uri.Length && uri[p] is not (':' or '/' or '?' or ','))
                    p++;
                host = uri[hostStart..p];
            }
            hosts.Append(host);
            terminator = p < uri.Length ? uri[p] : '\0';
            if (terminator == ':')
            {
                var portStart = ++p;
                while (p < uri.Length && uri[p] is not ('/' or '?' or ','))
                    p++;
                ports.Append(uri, portStart, p - portStart);
                terminator = p < uri.Length ? uri[p] : '\0';
            }
            if (terminator != ',')
                break;
            p++;
            hosts.Append(',');
            ports.Append(',');
        }
        if (hosts.Length > 0)
            result.Add(new("host", Decode(uri, hosts.ToString(), secretOf: null)));
        if (ports.Length > 0)
            result.Add(new("port", Decode(uri, ports.ToString(), secretOf: null)));

        // "/dbname"; an empty one is not set at all, so that PGDATABASE still applies (as libpq).
        if (terminator == '/')
        {
            var dbStart = ++p;
            while (p < uri.Length && uri[p] != '?')
                p++;
            if (p > dbStart)
                result.Add(new("dbname", Decode(uri, uri[dbStart..p], secretOf: null)));
            terminator = p < uri.Length ? uri[p] : '\0';
        }

        if (terminator == '?')
            ParseQuery(uri, p + 1, result);
        return result;
    }

    private static void ParseQuery(string uri, int p, List<KeyValuePair<string, string>> result)
    {
        while (p < uri.Length)
        {
            var keyStart = p;
            var equals = -1;
            while (p < uri.Length && uri[p] != '&')
            {
                if (uri[p] == '=')
                {
                    if (equals >= 0)
                        throw new ProgrammingError($"extra key/value separator \"=\" in URI query parameter: \"{uri[keyStart..equals]}\"");
                    equals = p;
                }
                p++;
            }
            var end = p;
            if (p < uri.Length)
                p++; // past '&'
            if (equals < 0)
                throw new ProgrammingError($"missing key/value separator \"=\" in URI query parameter: \"{uri[keyStart..end]}\"");

            var keyword = Decode(uri, uri[keyStart..equals], secretOf: null);
            var value = Decode(uri, uri[(equals + 1)..end], secretOf: Keywords.IsSecret(keyword) ? keyword : null);
            if (keyword == "ssl" && value == "true")
                (keyword, value) = ("sslmode", "require"); // JDBC compatibility, as libpq
            if (!Keywords.IsKnown(keyword))
                throw new ProgrammingError($"invalid URI query parameter: \"{keyword}\"");
            result.Add(new(keyword, value));
        }
    }

    /// <summary>Percent-decodes one URI component (as UTF-8). <paramref name="secretOf"/> names the keyword whose value must not be echoed.</summary>
    private static string Decode(string uri, string component, string? secretOf)
    {
        if (!component.Contains('%'))
            return component;
        var shown = secretOf is null ? $": \"{component}\"" : $" in the value of \"{secretOf}\"";
        var bytes = new List<byte>(component.Length);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (c != '%')
            {
                if (char.IsSurrogate(c) && i + 1 < component.Length)
                {
                    var n = Encoding.UTF8.GetBytes(component.AsSpan(i, 2), buffer);
                    for (var k = 0; k < n; k++)
                        bytes.Add(buffer[k]);
                    i++;
                }
                else
                {
                    var n = Encoding.UTF8.GetBytes(component.AsSpan(i, 1), buffer);
                    for (var k = 0; k < n; k++)
                        bytes.Add(buffer[k]);
                }
                continue;
            }
            if (i + 2 >= component.Length || !IsHex(component[i + 1]) || !IsHex(component[i + 2]))
                throw new ProgrammingError($"invalid percent-encoded token{shown}");
            var b = (byte)(HexValue(component[i + 1]) * 16 + HexValue(component[i + 2]));
            if (b == 0)
                throw new ProgrammingError($"forbidden value %00 in percent-encoded value{shown}");
            bytes.Add(b);
            i += 2;
        }
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new ProgrammingError($"percent-encoded value is not valid UTF-8{shown}");
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>
    /// The URI with the password (in the credentials or in the query) replaced by asterisks, for error messages.
    /// Errs on the side of masking: the credentials end, as for libpq, at the first '@' before any '/', or at a
    /// later '@' before the next '/' (a password with an unencoded '@').
    /// </summary>
    internal static string MaskUri(string uri)
    {
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var sb = new StringBuilder(uri.Length);
        var p = 0;
        var at = start;
        while (at < uri.Length && uri[at] != '@' && uri[at] != '/')
            at++;
        if (at < uri.Length && uri[at] == '@')
        {
            var slash = uri.IndexOf('/', at);
            var lastAt = uri.LastIndexOf('@', slash < 0 ? uri.Length - 1 : slash);
            var colon = uri.IndexOf(':', start, at - start);
            if (colon >= 0)
            {
                sb.Append(uri, 0, colon + 1).Append(Mask);
                p = lastAt;
            }
        }
        var query = uri.IndexOf('?', p);
        if (query < 0)
            return sb.Append(uri, p, uri.Length - p).ToString();

        sb.Append(uri, p, query + 1 - p);
        var first = true;
        foreach (var param in uri[(query + 1)..].Split('&'))
        {
            if (!first)
                sb.Append('&');
            first = false;
            var eq = param.IndexOf('=');
            var key = eq < 0 ? param : param[..eq];
            string decodedKey;
            try
            {
                decodedKey = Uri.UnescapeDataString(key);
            }
            catch (UriFormatException)
            {
                decodedKey = key;
            }
            if (eq >= 0 && Keywords.IsSecret(decodedKey))
                sb.Append(key).Append('=').Append(Mask);
            else
                sb.Append(param);
        }
        return sb.ToString();
    }
}
