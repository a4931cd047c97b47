using System.Text;
using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>
/// psycopg's <c>sql.SQL</c>: SQL text taken as it is, with Python <c>str.format</c> fields (<c>{}</c>, <c>{0}</c>,
/// <c>{name}</c>, <c>{{</c> / <c>}}</c> for braces) that <see cref="Format(object?[])"/> fills with pieces.
/// </summary>
public sealed class SqlFragment : Composable
{
    /// <summary>The text (psycopg's <c>SQL.obj</c>).</summary>
    public string Text { get; }

    /// <summary>SQL text taken as it is; see <see cref="Sql.SQL"/>.</summary>
    public SqlFragment(string text) => Text = text ?? throw new ArgumentNullException(nameof(text));

    /// <summary>
    /// psycopg's <c>SQL.format(*args, **kwargs)</c>: each field replaced by its argument — a Composable as it renders,
    /// any other value as a <see cref="Literal"/>. <c>{}</c> takes the next argument, <c>{0}</c> a numbered one;
    /// for <c>{name}</c> fields pass one object or dictionary whose properties / keys name the pieces. A field
    /// without its argument, a format spec (<c>{0:x}</c>), a conversion (<c>{!r}</c>), or mixing <c>{}</c> and
    /// <c>{0}</c> raise FormatException, as Python's str.format.
    /// </summary>
    public Composed Format(params object?[] args)
    {
        args ??= [null];
        if (args is [{ } single] && single is not Composable && !IsValue(single) && HasNamedFields())
            return FormatCore([], NamedArguments.From(single));
        return FormatCore(args, null);
    }

    /// <summary><see cref="Format(object?[])"/> with <c>{name}</c> fields filled from a dictionary.</summary>
    public Composed Format(IReadOnlyDictionary<string, object?> named) => FormatCore([], named ?? throw new ArgumentNullException(nameof(named)));

    private static bool IsValue(object value) => value.GetType() is var t && (t.IsPrimitive || t.IsEnum || t.IsArray || t.Namespace == "System");

    private bool HasNamedFields()
    {
        foreach (var field in Fields()) if (field is { Name: { Length: > 0 } name } && !char.IsAsciiDigit(name[0])) return true;
        return false;
    }

    private Composed FormatCore(object?[] positional, IReadOnlyDictionary<string, object?>? named)
    {
        var parts = new List<Composable>();
        var auto = 0;
        bool? automatic = null;
        foreach (var field in Fields())
        {
            if (field.Name is null)
            {
                if (field.Literal.Length > 0) parts.Add(new SqlFragment(field.Literal));
                continue;
            }
            object? value;
            if (field.Name.Length == 0 || char.IsAsciiDigit(field.Name[0]))
            {
                int index;
                if (field.Name.Length == 0)
                {
                    if (automatic == false) throw new FormatException("cannot switch from manual field numbering to automatic field numbering");
                    automatic = true;
                    index = auto++;
                }
                else
                {
                    if (automatic == true) throw new FormatException("cannot switch from automatic field numbering to manual field numbering");
                    automatic = false;
                    if (!int.TryParse(field.Name, out index)) throw new FormatException($"bad field number '{{{field.Name}}}'");
                }
                if (index >= positional.Length) throw new FormatException($"the SQL has a field {{{(field.Name.Length == 0 ? index : field.Name)}}} but {positional.Length} argument(s) were given");
                value = positional[index];
            }
            else
            {
                if (named is null || !named.TryGetValue(field.Name, out value))
                    throw new FormatException($"no argument for the field {{{field.Name}}}");
            }
            parts.Add(Wrap(value));
        }
        return new Composed(parts);
    }

    /// <summary>The text split into literal runs (Name null) and fields (Name "" for <c>{}</c>).</summary>
    private List<(string Literal, string? Name)> Fields()
    {
        var fields = new List<(string, string?)>();
        var text = new StringBuilder();
        for (var i = 0; i < Text.Length; i++)
        {
            var c = Text[i];
            if (c == '}')
            {
                if (i + 1 < Text.Length && Text[i + 1] == '}') { text.Append('}'); i++; continue; }
                throw new FormatException("single '}' encountered in format string");
            }
            if (c != '{') { text.Append(c); continue; }
            if (i + 1 < Text.Length && Text[i + 1] == '{') { text.Append('{'); i++; continue; }
            var close = Text.IndexOf('}', i + 1);
            if (close < 0) throw new FormatException("single '{' encountered in format string");
            var name = Text[(i + 1)..close];
            if (name.Contains(':')) throw new FormatException("no format specification supported by SQL");
            if (name.Contains('!')) throw new FormatException("no format conversion supported by SQL");
            if (name.Contains('{')) throw new FormatException("unexpected '{' in field name");
            if (text.Length > 0) { fields.Add((text.ToString(), null)); text.Clear(); }
            fields.Add(("", name));
            i = close;
        }
        if (text.Length > 0) fields.Add((text.ToString(), null));
        return fields;
    }

    /// <summary>psycopg's <c>SQL.join(seq)</c>: the pieces (Composables, or values taken as literals) with this text between them.</summary>
    public Composed Join(IEnumerable<object?> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var joined = new List<Composable>();
        foreach (var part in parts)
        {
            if (joined.Count > 0) joined.Add(this);
            joined.Add(Wrap(part));
        }
        return new Composed(joined);
    }

    /// <summary>psycopg's <c>SQL.join(seq)</c> over pieces.</summary>
    public Composed Join(params Composable[] parts) => Join((IEnumerable<object?>)parts);

    internal override void Render(StringBuilder sql, Connection? connection, bool escapePercent) => sql.Append(Text);

    /// <inheritdoc/>
    public override bool Equals(Composable? other) => other is SqlFragment s && s.Text == Text;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(SqlFragment), Text);
}
