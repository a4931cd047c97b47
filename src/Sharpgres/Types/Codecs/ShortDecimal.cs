namespace Sharpgres.Types.Codecs;

/// <summary>
/// A double that is exactly a short decimal — a count, a price, a half — written as that decimal from a scaled
/// integer. The shortest round-trip formatter cost a quarter of a text COPY's client time (bench/notes.md); this
/// costs a few multiplications. The text is exact: the server's strtod rounds m / 10^k to the nearest double, and
/// the IEEE division checked here does the same, so the value reads back bit for bit. The digits are the ones .NET's
/// "R" gives: the fewest decimals that round-trip, in plain notation (the range stays inside "R"'s plain one).
/// </summary>
internal static class ShortDecimal
{
    private static readonly double[] Pow10 = [1, 10, 100, 1000, 10000];

    /// <summary>Writes <paramref name="d"/> when it has at most four decimals; false leaves it to the formatter.</summary>
    public static bool TryWrite(double d, Span<byte> destination, out int written)
    {
        written = 0;
        // Zero's sign (-0) and the non-finite spellings are the formatter's; |d| below 1e-4 or from 1e15 up is where
        // "R" uses an exponent.
        if (d == 0 || !double.IsFinite(d) || Math.Abs(d) < 1e-4 || Math.Abs(d) >= 1e15) return false;
        for (var k = 0; k < Pow10.Length; k++)
        {
            var scaled = d * Pow10[k];
            if (Math.Abs(scaled) >= 1e15) return false;   // m must stay an exact integer
            var m = Math.Round(scaled);
            if (m / Pow10[k] == d) return Write((long)m, k, destination, out written);
        }
        return false;
    }

    /// <summary>m × 10^-k in plain notation: "-12.5", "0.05".</summary>
    private static bool Write(long m, int k, Span<byte> destination, out int written)
    {
        Span<byte> text = stackalloc byte[24];
        var at = text.Length;
        var u = (ulong)Math.Abs(m);
        var digits = 0;
        while (true)
        {
            text[--at] = (byte)('0' + (int)(u % 10));
            u /= 10;
            if (++digits == k) text[--at] = (byte)'.';
            if (u == 0 && digits > k) break;
        }
        if (m < 0) text[--at] = (byte)'-';
        written = text.Length - at;
        return text[at..].TryCopyTo(destination);
    }
}
