using System.Text;

namespace Sharpgres.Auth;

/// <summary>
/// SASLprep (RFC 4013, the stringprep profile of RFC 3454) for SCRAM passwords, following PostgreSQL's
/// <c>pg_saslprep</c>, which is what computed the stored SCRAM verifier (server side for
/// <c>ALTER ROLE ... PASSWORD 'text'</c>, libpq for <c>\password</c>):
/// <list type="bullet">
/// <item>pure ASCII input is used unchanged (not even control characters are rejected);</item>
/// <item>non-ASCII spaces (C.1.2) map to U+0020, "commonly mapped to nothing" characters (B.1) are removed;</item>
/// <item>an empty result is rejected;</item>
/// <item>the result is NFKC-normalized;</item>
/// <item>prohibited (C.1.2–C.9) and unassigned (A.1, Unicode 3.2) code points are rejected, and so are strings
/// violating the bidi rules (RFC 3454 §6). Like <c>pg_saslprep</c>, these checks look at the mapped string before
/// normalization.</item>
/// </list>
/// A rejected password is not an error: both PostgreSQL and libpq then use the password's raw bytes
/// (see <see cref="PreparePassword"/>).
/// </summary>
internal static class SaslPrep
{
    /// <summary>The SASLprep'd form of <paramref name="input"/>, or null if SASLprep rejects it.</summary>
    public static string? Prepare(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Ascii.IsValid(input))
            return input;

        // 1) Map. Lone surrogates cannot be represented in UTF-8: treat like pg_saslprep's invalid-UTF-8 case.
        var mapped = new List<int>(input.Length);
        for (int i = 0; i < input.Length;)
        {
            if (Rune.DecodeFromUtf16(input.AsSpan(i), out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
                return null;
            i += consumed;
            int cp = rune.Value;
            if (InTable(cp, SaslPrepTables.NonAsciiSpace))
                mapped.Add(' ');
            else if (!InTable(cp, SaslPrepTables.MappedToNothing))
                mapped.Add(cp);
        }
        if (mapped.Count == 0)
            return null; // PostgreSQL does not allow an empty password here

        // 3) Prohibit, and 4) bidi: checked on the mapped (not yet normalized) code points, as pg_saslprep does.
        bool hasRandAL = false;
        foreach (int cp in mapped)
        {
            if (InTable(cp, SaslPrepTables.Prohibited) || InTable(cp, SaslPrepTables.Unassigned))
                return null;
            hasRandAL |= InTable(cp, SaslPrepTables.RandALCat);
        }
        if (hasRandAL)
        {
            foreach (int cp in mapped)
            {
                if (InTable(cp, SaslPrepTables.LCat))
                    return null;
            }
            if (!InTable(mapped[0], SaslPrepTables.RandALCat) || !InTable(mapped[^1], SaslPrepTables.RandALCat))
                return null;
        }

        // 2) Normalize.
        var builder = new StringBuilder(mapped.Count);
        foreach (int cp in mapped)
            builder.Append(char.ConvertFromUtf32(cp));
        try
        {
            return builder.ToString().Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The password bytes SCRAM's PBKDF2 takes: the UTF-8 of the SASLprep'd password, or, when SASLprep rejects it,
    /// the UTF-8 of the password as given (PostgreSQL and libpq fall back to the raw password).
    /// </summary>
    public static byte[] PreparePassword(string password) => Encoding.UTF8.GetBytes(Prepare(password) ?? password);

    /// <summary>Binary search in a sorted table of inclusive [first, last] pairs.</summary>
    internal static bool InTable(int codePoint, ReadOnlySpan<int> ranges)
    {
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (codePoint < ranges[2 * mid])
                hi = mid - 1;
            else if (codePoint > ranges[2 * mid + 1])
                lo = mid + 1;
            else
                return true;
        }
        return false;
    }
}
