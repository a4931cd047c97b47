using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// psycopg's <c>sql.Composable</c>: a piece of SQL that renders itself for a connection (<see cref="AsString"/>).
/// Pieces join with <c>+</c> into a <see cref="Composed"/>; a Composable passes straight to Execute and its kin.
/// </summary>
public abstract class Composable : IEquatable<Composable>
{
    private protected Composable() { }

    /// <summary>
    /// psycopg's <c>as_string(context)</c>: the SQL text, with literals in <paramref name="connection"/>'s quoting
    /// (<c>standard_conforming_strings</c>) and type adapters; without a connection, the global adapters and standard
    /// quoting.
    /// </summary>
    public string AsString(Connection? connection = null)
    {
        var writer = new System.Text.StringBuilder();
        Render(writer, connection, escapePercent: false);
        return writer.ToString();
    }

    /// <summary>
    /// The text Execute runs. With arguments the text is searched for %s placeholders, so a <c>%</c> inside an
    /// identifier or a literal goes out as <c>%%</c> (read back as one <c>%</c>), never as the start of a placeholder;
    /// SQL text is the caller's, who escapes its own <c>%</c> as for any query with arguments.
    /// </summary>
    internal string ForQuery(Connection connection, bool parsedForPlaceholders)
    {
        var writer = new System.Text.StringBuilder();
        Render(writer, connection, parsedForPlaceholders);
        return writer.ToString();
    }

    internal abstract void Render(System.Text.StringBuilder sql, Connection? connection, bool escapePercent);

    /// <summary>A rendered identifier or literal, with <c>%</c> doubled when the query will be parsed for placeholders.</summary>
    private protected static void Append(System.Text.StringBuilder sql, string rendered, bool escapePercent)
    {
        if (escapePercent) sql.Append(rendered.Replace("%", "%%"));
        else sql.Append(rendered);
    }

    /// <summary>psycopg's <c>a + b</c>: the two pieces one after the other.</summary>
    public static Composed operator +(Composable left, Composable right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new Composed([.. Parts(left), .. Parts(right)]);
    }

    private static IEnumerable<Composable> Parts(Composable c) => c is Composed composed ? composed.Parts : [c];

    /// <summary>psycopg's <c>a * n</c>: the piece <paramref name="times"/> times.</summary>
    public static Composed operator *(Composable part, int times) => new(Enumerable.Repeat(part, Math.Max(0, times)));

    /// <summary>Pieces of the same kind wrapping equal values are equal, as psycopg's.</summary>
    public abstract bool Equals(Composable? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Composable c && Equals(c);

    /// <inheritdoc/>
    public abstract override int GetHashCode();

    /// <summary>The SQL without a connection (see <see cref="AsString"/>), for logs and debugging.</summary>
    public override string ToString() => AsString();

    /// <summary>Turns a Format argument into a piece: a Composable as it is, any other value a <see cref="Literal"/>.</summary>
    internal static Composable Wrap(object? value) => value as Composable ?? new Literal(value);

    internal static ReadContext DefaultContext => new(TypeRegistry.Global, TimeZoneInfo.Utc, null);
}

/// <summary>psycopg's <c>sql.Composed</c>: a sequence of pieces rendered one after another.</summary>
public sealed class Composed : Composable
{
    /// <summary>The pieces, as psycopg's <c>Composed.seq</c>.</summary>
    public IReadOnlyList<Composable> Parts { get; }

    /// <summary>The pieces one after another (each a Composable; see <see cref="Sql.Composed"/>).</summary>
    public Composed(IEnumerable<Composable> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Parts = parts.Select(p => p ?? throw new ArgumentException("a Composed can't hold null: use Sql.Literal(null) for NULL", nameof(parts))).ToArray();
    }

    /// <summary>psycopg's <c>Composed.join(sep)</c>: the pieces with <paramref name="separator"/> (SQL text) between them.</summary>
    public Composed Join(string separator) => Join(new SqlFragment(separator));

    /// <summary>psycopg's <c>Composed.join(sep)</c> with a <see cref="SqlFragment"/> separator.</summary>
    public Composed Join(SqlFragment separator) => separator.Join(Parts);

    internal override void Render(System.Text.StringBuilder sql, Connection? connection, bool escapePercent)
    {
        Composable? previous = null;
        foreach (var part in Parts)
        {
            var start = sql.Length;
            part.Render(sql, connection, escapePercent);
            // Where a literal or an identifier meets its neighbour the two must stay two tokens: 'a' then 'b' would
            // read as the one string a'b, "x" then "y" as the identifier x"y. Two pieces of SQL text are the
            // caller's and join exactly as written.
            if (start > 0 && sql.Length > start && (IsQuoted(previous) || IsQuoted(part)) && Joins(sql[start - 1], sql[start]))
                sql.Insert(start, ' ');
            previous = part;
        }
    }

    private static bool IsQuoted(Composable? part) => part is Literal or Identifier;

    /// <summary>
    /// True when a literal or identifier written right beside its neighbour would lex as one token with it: two
    /// quotes ('a''b', "x""y"), a word before a quote (a prefixed string: E'..', b'101', U&amp;'..'), two words (1 then
    /// AND, a number then e5). A negative number already starts with a space (SqlLiteral).
    /// </summary>
    private static bool Joins(char left, char right) =>
        (left == right && left is '\'' or '"') || (right == '\'' && (IsWord(left) || left == '&')) || (IsWord(left) && IsWord(right));

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c > 0x7F;

    /// <inheritdoc/>
    public override bool Equals(Composable? other) => other is Composed c && Parts.SequenceEqual(c.Parts);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var part in Parts) hash.Add(part);
        return hash.ToHashCode();
    }
}
