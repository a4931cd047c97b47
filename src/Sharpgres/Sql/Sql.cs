namespace Sharpgres;

/// <summary>
/// psycopg's <c>psycopg.sql</c>: SQL built from pieces, safely. <c>Sql.SQL("SELECT {} FROM {}").Format(Sql.Identifier("name"),
/// Sql.Identifier("public", "people"))</c> renders <c>SELECT "name" FROM "public"."people"</c>: identifiers always
/// double-quoted, literals quoted by the session's rules, placeholders left for Execute to bind. A
/// <see cref="Composable"/> passes straight to Execute, ExecuteMany, Stream, Copy and server cursors.
/// </summary>
public static class Sql
{
    /// <summary>psycopg's <c>sql.SQL(string)</c>: SQL text taken as it is (never user input), with <c>{}</c> fields for <see cref="SqlFragment.Format(object?[])"/>.</summary>
    public static SqlFragment SQL(string text) => new(text);

    /// <summary>psycopg's <c>sql.Identifier(*strings)</c>: a name, or a qualified name (<c>"schema"."table"</c>), always double-quoted.</summary>
    public static Identifier Identifier(params string[] strings) => new(strings);

    /// <summary>psycopg's <c>sql.Literal(obj)</c>: a value written into the SQL as a literal, with the connection's codecs and quoting.</summary>
    public static Literal Literal(object? value) => new(value);

    /// <summary>psycopg's <c>sql.Placeholder(name=None)</c>: <c>%s</c>, or <c>%(name)s</c>, for Execute to bind.</summary>
    public static Placeholder Placeholder(string? name = null) => new(name);

    /// <summary>psycopg's <c>sql.Placeholder(name, format)</c>: <c>%b</c> / <c>%t</c> (or <c>%(name)b</c> / <c>%(name)t</c>), <c>%s</c> for Auto.</summary>
    public static Placeholder Placeholder(string? name, PlaceholderFormat format) => new(name, format);

    /// <summary>psycopg's <c>sql.Composed(seq)</c>: the pieces one after another.</summary>
    public static Composed Composed(params Composable[] parts) => new(parts);
}
