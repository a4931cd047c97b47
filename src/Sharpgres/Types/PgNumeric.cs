using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sharpgres.Types;

/// <summary>
/// A PostgreSQL <c>numeric</c> kept losslessly: any precision and scale (as an unscaled <see cref="BigInteger"/> and
/// a count of decimal places, so 1.50 keeps its two places), NaN, Infinity and -Infinity. Read a numeric column as
/// PgNumeric when it may not fit <see cref="decimal"/>; convert explicitly to decimal, double or BigInteger.
/// Equality is by value (1.5 equals 1.50) and, as in PostgreSQL, NaN equals NaN and sorts above everything.
/// </summary>
public readonly struct PgNumeric : IEquatable<PgNumeric>, IComparable<PgNumeric>, IComparable
{
    private enum Kind : byte { Finite, NaN, PositiveInfinity, NegativeInfinity }

    private readonly BigInteger _unscaled;
    private readonly int _scale;
    private readonly Kind _kind;

    private PgNumeric(Kind kind) { _kind = kind; _unscaled = BigInteger.Zero; _scale = 0; }

    /// <summary>The value <paramref name="unscaled"/> × 10^-<paramref name="scale"/>; scale is the number of decimal places shown.</summary>
    public PgNumeric(BigInteger unscaled, int scale)
    {
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }
        _unscaled = unscaled;
        _scale = scale;
        _kind = Kind.Finite;
    }

    /// <summary>The exact value of a .NET decimal, with its scale (1.50m stays 1.50).</summary>
    public PgNumeric(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var magnitude = new BigInteger((uint)bits[0]) | new BigInteger((uint)bits[1]) << 32 | new BigInteger((uint)bits[2]) << 64;
        _unscaled = bits[3] < 0 ? -magnitude : magnitude;
        _scale = (bits[3] >> 16) & 0xFF;
        _kind = Kind.Finite;
    }

    /// <summary>numeric's 'NaN' (PostgreSQL sorts it above every other value and considers it equal to itself).</summary>
    public static PgNumeric NaN { get; } = new(Kind.NaN);
    /// <summary>numeric's 'Infinity' (PostgreSQL 14+).</summary>
    public static PgNumeric PositiveInfinity { get; } = new(Kind.PositiveInfinity);
    /// <summary>numeric's '-Infinity' (PostgreSQL 14+).</summary>
    public static PgNumeric NegativeInfinity { get; } = new(Kind.NegativeInfinity);
    /// <summary>The numeric 0, scale 0.</summary>
    public static PgNumeric Zero { get; } = new(BigInteger.Zero, 0);

    /// <summary>Whether the value is numeric's 'NaN'.</summary>
    public bool IsNaN => _kind == Kind.NaN;
    /// <summary>Whether the value is numeric's 'Infinity'.</summary>
    public bool IsPositiveInfinity => _kind == Kind.PositiveInfinity;
    /// <summary>Whether the value is numeric's '-Infinity'.</summary>
    public bool IsNegativeInfinity => _kind == Kind.NegativeInfinity;
    /// <summary>Whether the value is a finite number (not NaN nor an infinity).</summary>
    public bool IsFinite => _kind == Kind.Finite;

    /// <summary>The digits without the decimal point (0 for NaN and infinities).</summary>
    public BigInteger UnscaledValue => _unscaled;

    /// <summary>The number of decimal places (PostgreSQL's display scale).</summary>
    public int Scale => _scale;

    /// <summary>-1, 0 or 1; NaN has sign 0.</summary>
    public int Sign => _kind switch
    {
        Kind.PositiveInfinity => 1,
        Kind.NegativeInfinity => -1,
        Kind.NaN => 0,
        _ => _unscaled.Sign,
    };

    /// <summary>True for finite values without a fractional part (1.00 is integral).</summary>
    public bool IsInteger => IsFinite && (_scale == 0 || BigInteger.Remainder(_unscaled, BigInteger.Pow(10, _scale)).IsZero);

    /// <summary>Parses PostgreSQL's numeric input: [+-]digits[.digits][e[+-]n], NaN, [+-]Infinity (case-insensitive).</summary>
    public static PgNumeric Parse(string s) =>
        TryParse(s, out var result) ? result : throw new FormatException($"invalid numeric value: '{s}'");

    /// <summary>Parses PostgreSQL's numeric input ([+-]digits[.digits][e[+-]n], NaN, [+-]Infinity, case-insensitive); false when <paramref name="s"/> isn't one.</summary>
    public static bool TryParse(string? s, out PgNumeric result)
    {
        result = default;
        if (s is null) return false;
        var t = s.Trim();
        switch (t.ToLowerInvariant())
        {
            case "nan": result = NaN; return true;
            case "infinity" or "+infinity" or "inf" or "+inf": result = PositiveInfinity; return true;
            case "-infinity" or "-inf": result = NegativeInfinity; return true;
        }
        var i = 0;
        var negative = false;
        if (i < t.Length && t[i] is '+' or '-') negative = t[i++] == '-';
        var digits = new StringBuilder(t.Length);
        var fraction = 0;
        var seenPoint = false;
        for (; i < t.Length; i++)
        {
            var c = t[i];
            if (char.IsAsciiDigit(c)) { digits.Append(c); if (seenPoint) fraction++; }
            else if (c == '.' && !seenPoint) seenPoint = true;
            else break;
        }
        if (digits.Length == 0) return false;
        var exponent = 0;
        if (i < t.Length && t[i] is 'e' or 'E')
        {
            if (!int.TryParse(t.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)) return false;
            i = t.Length;
        }
        if (i != t.Length) return false;
        var unscaled = BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
        result = new PgNumeric(negative ? -unscaled : unscaled, fraction - exponent);
        return true;
    }

    /// <summary>PostgreSQL's text form: digits with exactly <see cref="Scale"/> decimal places, NaN, Infinity, -Infinity.</summary>
    public override string ToString()
    {
        switch (_kind)
        {
            case Kind.NaN: return "NaN";
            case Kind.PositiveInfinity: return "Infinity";
            case Kind.NegativeInfinity: return "-Infinity";
        }
        var digits = BigInteger.Abs(_unscaled).ToString(CultureInfo.InvariantCulture);
        if (_scale > 0 && digits.Length <= _scale) digits = new string('0', _scale - digits.Length + 1) + digits;
        var sign = _unscaled.Sign < 0 ? "-" : "";
        return _scale == 0 ? sign + digits : string.Concat(sign, digits.AsSpan(0, digits.Length - _scale), ".", digits.AsSpan(digits.Length - _scale));
    }

    /// <summary>
    /// The value as decimal, rounded (half away from zero) when it has more digits than decimal holds;
    /// <see cref="DataError"/> for NaN, infinities and values beyond decimal's range.
    /// </summary>
    public static explicit operator decimal(PgNumeric value)
    {
        if (!value.IsFinite) throw new DataError($"numeric value {value} cannot be read as decimal");
        var unscaled = value._unscaled;
        var scale = value._scale;
        if (scale > 28)
        {
            unscaled = RoundDivide(unscaled, BigInteger.Pow(10, scale - 28));
            scale = 28;
        }
        var max = (BigInteger.One << 96) - 1;
        while (BigInteger.Abs(unscaled) > max && scale > 0)
        {
            unscaled = RoundDivide(unscaled, 10);
            scale--;
        }
        if (BigInteger.Abs(unscaled) > max) throw new DataError($"numeric value {value} is out of the range of decimal");
        var magnitude = BigInteger.Abs(unscaled);
        return new decimal((int)(uint)(magnitude & uint.MaxValue), (int)(uint)(magnitude >> 32 & uint.MaxValue),
            (int)(uint)(magnitude >> 64 & uint.MaxValue), unscaled.Sign < 0, (byte)scale);
    }

    /// <summary>The nearest double; NaN and infinities map to their double counterparts.</summary>
    public static explicit operator double(PgNumeric value) => value._kind switch
    {
        Kind.NaN => double.NaN,
        Kind.PositiveInfinity => double.PositiveInfinity,
        Kind.NegativeInfinity => double.NegativeInfinity,
        _ => double.Parse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>The integer value; <see cref="DataError"/> for NaN, infinities and values with a fractional part.</summary>
    public static explicit operator BigInteger(PgNumeric value)
    {
        if (!value.IsInteger) throw new DataError($"numeric value {value} is not an integer");
        return value._scale == 0 ? value._unscaled : BigInteger.Divide(value._unscaled, BigInteger.Pow(10, value._scale));
    }

    /// <summary>The exact value of a .NET decimal, with its scale.</summary>
    public static implicit operator PgNumeric(decimal value) => new(value);
    /// <summary>An integer of any size, scale 0.</summary>
    public static implicit operator PgNumeric(BigInteger value) => new(value, 0);
    /// <summary>A 64-bit integer, scale 0.</summary>
    public static implicit operator PgNumeric(long value) => new(value, 0);

    private static BigInteger RoundDivide(BigInteger value, BigInteger divisor)
    {
        var quotient = BigInteger.DivRem(value, divisor, out var remainder);
        if (BigInteger.Abs(remainder) * 2 >= divisor) quotient += value.Sign;
        return quotient;
    }

    /// <summary>The unscaled values of two finite numerics brought to the same scale.</summary>
    private static (BigInteger, BigInteger) Align(PgNumeric a, PgNumeric b) =>
        a._scale == b._scale ? (a._unscaled, b._unscaled)
        : a._scale < b._scale ? (a._unscaled * BigInteger.Pow(10, b._scale - a._scale), b._unscaled)
        : (a._unscaled, b._unscaled * BigInteger.Pow(10, a._scale - b._scale));

    /// <summary>Compares in PostgreSQL's numeric order: -Infinity &lt; finite values &lt; Infinity &lt; NaN; trailing zeros don't count (1.0 = 1.00).</summary>
    public int CompareTo(PgNumeric other)
    {
        // PostgreSQL's order: -Infinity < finite < Infinity < NaN.
        static int Rank(PgNumeric n) => n._kind switch { Kind.NegativeInfinity => 0, Kind.Finite => 1, Kind.PositiveInfinity => 2, _ => 3 };
        var rank = Rank(this).CompareTo(Rank(other));
        if (rank != 0 || !IsFinite) return rank;
        var (a, b) = Align(this, other);
        return a.CompareTo(b);
    }

    /// <summary>Compares with another boxed PgNumeric in PostgreSQL's numeric order; null sorts first, another type throws ArgumentException.</summary>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        PgNumeric n => CompareTo(n),
        _ => throw new ArgumentException("not a PgNumeric", nameof(obj)),
    };

    /// <summary>Numeric equality as PostgreSQL's <c>=</c>: the same number whatever the scale (1.0 = 1.00), NaN equal to NaN.</summary>
    public bool Equals(PgNumeric other) => CompareTo(other) == 0;
    /// <summary>Numeric equality with another PgNumeric, as <see cref="Equals(PgNumeric)"/>.</summary>
    public override bool Equals(object? obj) => obj is PgNumeric n && Equals(n);

    /// <summary>A hash consistent with <see cref="Equals(PgNumeric)"/>: equal for 1.0 and 1.00.</summary>
    public override int GetHashCode()
    {
        if (!IsFinite) return _kind.GetHashCode();
        var unscaled = _unscaled;
        var scale = _scale;
        while (scale > 0 && !unscaled.IsZero && (unscaled % 10).IsZero) { unscaled /= 10; scale--; }
        return unscaled.IsZero ? 0 : HashCode.Combine(unscaled, scale);
    }

    /// <summary>Numeric equality, as <see cref="Equals(PgNumeric)"/>.</summary>
    public static bool operator ==(PgNumeric a, PgNumeric b) => a.Equals(b);
    /// <summary>Numeric inequality, the negation of <see cref="Equals(PgNumeric)"/>.</summary>
    public static bool operator !=(PgNumeric a, PgNumeric b) => !a.Equals(b);
    /// <summary>Less than, in PostgreSQL's numeric order (<see cref="CompareTo(PgNumeric)"/>).</summary>
    public static bool operator <(PgNumeric a, PgNumeric b) => a.CompareTo(b) < 0;
    /// <summary>Greater than, in PostgreSQL's numeric order.</summary>
    public static bool operator >(PgNumeric a, PgNumeric b) => a.CompareTo(b) > 0;
    /// <summary>Less than or equal, in PostgreSQL's numeric order.</summary>
    public static bool operator <=(PgNumeric a, PgNumeric b) => a.CompareTo(b) <= 0;
    /// <summary>Greater than or equal, in PostgreSQL's numeric order.</summary>
    public static bool operator >=(PgNumeric a, PgNumeric b) => a.CompareTo(b) >= 0;
}
