using System.Security.Cryptography;
using System.Text;

namespace Sharpgres.Auth;

/// <summary>
/// The response to AuthenticationMD5Password: <c>"md5" + hex(md5(hex(md5(password + user)) + salt))</c>,
/// with password and user as UTF-8 bytes and hex in lower case, as libpq's <c>pg_md5_encrypt</c> computes it.
/// </summary>
internal static class Md5Password
{
    /// <summary>
    /// Returns the ASCII bytes of the 35-character response (<c>md5</c> + 32 hex digits), without the
    /// terminating NUL the PasswordMessage needs (the caller adds it).
    /// </summary>
    public static byte[] Compute(string user, string password, ReadOnlySpan<byte> salt4)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (salt4.Length != 4)
            throw new ArgumentException($"MD5 salt must be 4 bytes, got {salt4.Length}", nameof(salt4));

        // Inner: md5(password || user), as 32 lower-case hex digits.
        int passwordLength = Encoding.UTF8.GetByteCount(password);
        byte[] inner = new byte[passwordLength + Encoding.UTF8.GetByteCount(user)];
        Encoding.UTF8.GetBytes(password, inner);
        Encoding.UTF8.GetBytes(user, inner.AsSpan(passwordLength));
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(inner, digest);
        CryptographicOperations.ZeroMemory(inner);

        // Outer: md5(hex(inner) || salt).
        Span<byte> outer = stackalloc byte[2 * MD5.HashSizeInBytes + 4];
        WriteHex(digest, outer);
        salt4.CopyTo(outer[(2 * MD5.HashSizeInBytes)..]);
        MD5.HashData(outer, digest);
        CryptographicOperations.ZeroMemory(outer);

        byte[] result = new byte[3 + 2 * MD5.HashSizeInBytes];
        "md5"u8.CopyTo(result);
        WriteHex(digest, result.AsSpan(3));
        return result;
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        const string digits = "0123456789abcdef";
        for (int i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)digits[bytes[i] >> 4];
            destination[2 * i + 1] = (byte)digits[bytes[i] & 0xF];
        }
    }
}
