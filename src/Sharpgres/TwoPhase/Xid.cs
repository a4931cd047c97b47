using System.Text;
using System.Text.RegularExpressions;

namespace Sharpgres;

/// <summary>
/// A two-phase commit transaction id, as psycopg's <c>Xid</c>: the XA triple (format id, global transaction id, branch
/// qualifier), or a bare transaction id (<see cref="FormatId"/> and <see cref="Bqual"/> null) when the prepared
/// transaction's name wasn't made from a triple. Its <see cref="ToString"/> is the name given to
/// <c>PREPARE TRANSACTION</c>: <c>formatId_base64(gtrid)_base64(bqual)</c>, the encoding psycopg and pgJDBC use, so each
/// recovers the others' transactions.
/// </summary>
/// <param name="FormatId">The XA format id (0 to 2^31-1), or null for a bare transaction id.</param>
/// <param name="Gtrid">The global transaction id (at most 64 characters in an XA triple).</param>
/// <param name="Bqual">The branch qualifier (at most 64 characters), null for a bare transaction id.</param>
public sealed partial record Xid(int? FormatId, string Gtrid, string? Bqual)
{
    /// <summary>When the transaction was prepared (set on the Xids <c>TpcRecover</c> returns).</summary>
    public DateTimeOffset? Prepared { get; init; }
    /// <summary>The role that prepared the transaction (set by <c>TpcRecover</c>).</summary>
    public string? Owner { get; init; }
    /// <summary>The database the transaction was prepared in (set by <c>TpcRecover</c>).</summary>
    public string? Database { get; init; }

    /// <summary>
    /// psycopg's <c>Xid.from_parts</c>: checks the triple (a format id needs a bqual and is a non-negative 32-bit
    /// integer, gtrid and bqual at most 64 characters; no format id means no bqual either).
    /// </summary>
    public static Xid FromParts(int? formatId, string gtrid, string? bqual)
    {
        ArgumentNullException.ThrowIfNull(gtrid);
        if (formatId is { } id)
        {
            if (bqual is null) throw new ArgumentException("if formatId is specified, bqual must be too", nameof(bqual));
            if (id < 0) throw new ArgumentOutOfRangeException(nameof(formatId), "formatId must be a non-negative 32-bit integer");
            if (bqual.Length > 64) throw new ArgumentException("bqual must be not longer than 64 chars", nameof(bqual));
            if (gtrid.Length > 64) throw new ArgumentException("gtrid must be not longer than 64 chars", nameof(gtrid));
        }
        else if (bqual is not null)
        {
            throw new ArgumentException("if formatId is null, bqual must be null too", nameof(bqual));
        }
        return new Xid(formatId, gtrid, bqual);
    }

    /// <summary>
    /// psycopg's <c>Xid.from_string</c>: the triple encoded in a prepared transaction's name, or, when the name isn't
    /// one, a bare Xid whose <see cref="Gtrid"/> is the whole name.
    /// </summary>
    public static Xid FromString(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var match = Encoded().Match(s);
        if (match.Success && int.TryParse(match.Groups[1].ValueSpan, out var formatId))
        {
            try
            {
                return FromParts(formatId, Decode(match.Groups[2].Value), Decode(match.Groups[3].Value));
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { }
        }
        return new Xid(null, s, null);
    }

    private static string Decode(string base64) =>
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));

    [GeneratedRegex(@"^(\d+)_([^_]*)_([^_]*)$")]
    private static partial Regex Encoded();

    /// <summary>The PostgreSQL transaction name: the gtrid of a bare Xid, else <c>formatId_base64(gtrid)_base64(bqual)</c>.</summary>
    public override string ToString() => FormatId is not { } id || Bqual is null
        ? Gtrid
        : $"{id}_{Convert.ToBase64String(Encoding.UTF8.GetBytes(Gtrid))}_{Convert.ToBase64String(Encoding.UTF8.GetBytes(Bqual))}";
}
