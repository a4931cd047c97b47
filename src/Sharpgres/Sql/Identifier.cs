using System.Text;
using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>
/// psycopg's <c>sql.Identifier</c>: a name (table, column, schema, channel...) or a qualified name, rendered with
/// every part double-quoted and its <c>"</c> doubled (<c>"public"."my ""table"""</c>), so any string is a safe
/// identifier; a NUL in a part is a DataError when it renders.
/// </summary>
public sealed class Identifier : Composable
{
    /// <summary>The parts of the name (psycopg's <c>Identifier.strings</c>).</summary>
    public IReadOnlyList<string> Strings { get; }

    /// <summary>A name of one or more parts; see <see cref="Sql.Identifier"/>.</summary>
    public Identifier(params string[] strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        if (strings.Length == 0) throw new ArgumentException("Identifier cannot be empty", nameof(strings));
        if (strings.Any(s => s is null)) throw new ArgumentException("Identifier parts must be strings", nameof(strings));
        Strings = strings.ToArray();
    }

    internal override void Render(StringBuilder sql, Connection? connection, bool escapePercent)
    {
        for (var i = 0; i < Strings.Count; i++)
        {
            if (i > 0) sql.Append('.');
            Append(sql, SqlLiteral.QuoteIdentifier(Strings[i]), escapePercent);
        }
    }

    /// <inheritdoc/>
    public override bool Equals(Composable? other) => other is Identifier i && Strings.SequenceEqual(i.Strings);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(Identifier), string.Join("\0", Strings));
}
