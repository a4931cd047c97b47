namespace Sharpgres.Auth;

/// <summary>
/// libpq 16's <c>require_auth</c>: the authentication methods the client accepts from the server (password, md5, gss,
/// sspi, scram-sha-256, none), or with <c>!</c> the ones it refuses. Checked at each request the server makes, before
/// any secret is sent, so a server (or a man in the middle) can't downgrade SCRAM to a cleartext or MD5 password.
/// The value was validated when the connection info was parsed.
/// </summary>
internal sealed class AuthRequirement
{
    private readonly string _text;
    private readonly HashSet<string> _methods;
    private readonly bool _negated;

    private AuthRequirement(string text)
    {
        _text = text;
        _negated = text.StartsWith('!');
        _methods = text.Split(',').Select(m => m.TrimStart('!')).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Null when require_auth is unset (every method allowed).</summary>
    public static AuthRequirement? From(string? value) => string.IsNullOrEmpty(value) ? null : new AuthRequirement(value);

    private bool Allows(string method) => _methods.Contains(method) != _negated;

    /// <summary>Throws libpq's error when the server asks for an authentication request code the client refuses.</summary>
    public void CheckRequest(int request)
    {
        var (method, reason) = request switch
        {
            3 => ("password", "server requested a cleartext password"),
            5 => ("md5", "server requested a hashed password"),
            7 or 8 => ("gss", "server requested GSSAPI authentication"),
            9 => ("sspi", "server requested SSPI authentication"),
            10 or 11 or 12 => ("scram-sha-256", "server requested SASL authentication"),
            _ => (null, null),
        };
        if (method is not null && !Allows(method)) throw Failed(reason!);
    }

    /// <summary>At AuthenticationOk: a server that asked for nothing passes only when "none" is allowed.</summary>
    public void CheckCompleted(bool authenticated)
    {
        if (!authenticated && !Allows("none")) throw Failed("server did not complete authentication");
    }

    private OperationalError Failed(string reason) => new($"authentication method requirement \"{_text}\" failed: {reason}");
}
