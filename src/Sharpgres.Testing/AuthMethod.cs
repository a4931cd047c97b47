namespace Sharpgres.Testing;

/// <summary>The pg_hba.conf method a <see cref="TempServer"/> uses for TCP connections.</summary>
public enum AuthMethod
{
    /// <summary><c>trust</c>: no password asked.</summary>
    Trust,

    /// <summary><c>password</c>: the password is sent in clear text.</summary>
    Password,

    /// <summary>
    /// <c>md5</c>. Note that the server still answers with SCRAM for roles whose stored password is a SCRAM
    /// verifier (the default <c>password_encryption</c>); set <c>password_encryption = 'md5'</c> before setting
    /// a role's password to get a real MD5 exchange.
    /// </summary>
    Md5,

    /// <summary><c>scram-sha-256</c>.</summary>
    ScramSha256,
}

internal static class AuthMethodExtensions
{
    public static string ToHbaMethod(this AuthMethod method) => method switch
    {
        AuthMethod.Trust => "trust",
        AuthMethod.Password => "password",
        AuthMethod.Md5 => "md5",
        AuthMethod.ScramSha256 => "scram-sha-256",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown authentication method."),
    };
}
