using System.Text;

namespace Sharpgres;

/// <summary>psycopg's <c>sql.Placeholder</c>: <c>%s</c>, or <c>%(name)s</c>, left in the SQL for Execute to bind.</summary>
public sealed class Placeholder : Composable
{
    /// <summary>The name of a <c>%(name)s</c> placeholder; null for <c>%s</c>.</summary>
    public string? Name { get; }

    /// <summary>A placeholder; see <see cref="Sql.Placeholder"/>.</summary>
    public Placeholder(string? name = null)
    {
        if (name is not null && name.Contains(')')) throw new ArgumentException($"invalid name: {name}", nameof(name));
        Name = name;
    }

    internal override void Render(StringBuilder sql, Connection? connection, bool escapePercent) => sql.Append(Name is null ? "%s" : $"%({Name})s");

    /// <inheritdoc/>
    public override bool Equals(Composable? other) => other is Placeholder p && p.Name == Name;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(Placeholder), Name);
}
