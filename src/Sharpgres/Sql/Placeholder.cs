using System.Text;

namespace Sharpgres;

/// <summary>
/// psycopg's <c>sql.Placeholder</c>: <c>%s</c>, or <c>%(name)s</c>, left in the SQL for Execute to bind; with a
/// <see cref="PlaceholderFormat"/>, <c>%b</c> / <c>%t</c> (psycopg's <c>Placeholder(name, format=PyFormat.BINARY)</c>).
/// </summary>
public sealed class Placeholder : Composable
{
    /// <summary>The name of a <c>%(name)s</c> placeholder; null for <c>%s</c>.</summary>
    public string? Name { get; }

    /// <summary>The format the value is asked to be sent in: <c>%s</c>, <c>%b</c> or <c>%t</c>.</summary>
    public PlaceholderFormat Format { get; }

    /// <summary>A placeholder; see <see cref="Sql.Placeholder(string?)"/>.</summary>
    public Placeholder(string? name = null) : this(name, PlaceholderFormat.Auto) { }

    /// <summary>A placeholder asking for <paramref name="format"/>; see <see cref="Sql.Placeholder(string?, PlaceholderFormat)"/>.</summary>
    public Placeholder(string? name, PlaceholderFormat format)
    {
        if (name is not null && name.Contains(')')) throw new ArgumentException($"invalid name: {name}", nameof(name));
        if (!Enum.IsDefined(format)) throw new ArgumentOutOfRangeException(nameof(format), format, "not a placeholder format");
        Name = string.IsNullOrEmpty(name) ? null : name;   // psycopg: name="" is the positional %s
        Format = format;
    }

    internal override void Render(StringBuilder sql, Connection? connection, bool escapePercent)
    {
        sql.Append('%');
        if (Name is not null) sql.Append('(').Append(Name).Append(')');
        sql.Append(Format switch { PlaceholderFormat.Binary => 'b', PlaceholderFormat.Text => 't', _ => 's' });
    }

    /// <inheritdoc/>
    public override bool Equals(Composable? other) => other is Placeholder p && p.Name == Name && p.Format == Format;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(Placeholder), Name, Format);
}
