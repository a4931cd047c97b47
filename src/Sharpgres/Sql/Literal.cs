using System.Text;
using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>
/// psycopg's <c>sql.Literal</c>: a value written into the SQL as a literal — the same literals as a ClientCursor's
/// (NULL, true/false, numbers, quoted strings honouring <c>standard_conforming_strings</c>, other types as their
/// codec's text cast to their type); a NUL in a string is a DataError when it renders.
/// </summary>
public sealed class Literal : Composable
{
    /// <summary>The value (psycopg's <c>Literal.obj</c>).</summary>
    public object? Value { get; }

    /// <summary>A value to write as a literal; see <see cref="Sql.Literal"/>.</summary>
    public Literal(object? value) => Value = value;

    internal override void Render(StringBuilder sql, Connection? connection, bool escapePercent) =>
        Append(sql, connection is null ? SqlLiteral.For(Value, Types.TypeRegistry.Global, DefaultContext, true) : SqlLiteral.For(Value, connection), escapePercent);

    /// <inheritdoc/>
    public override bool Equals(Composable? other) => other is Literal l && Equals(l.Value, Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(Literal), Value);
}
