namespace Sharpgres;

/// <summary>How a cursor passes its arguments: psycopg's <c>Cursor</c>, <c>ClientCursor</c> and <c>RawCursor</c>.</summary>
public enum Binding
{
    /// <summary>psycopg's default cursor: <c>%s</c> / <c>%(name)s</c> become <c>$n</c> and the values are bound server-side.</summary>
    Server,

    /// <summary>
    /// psycopg's <c>ClientCursor</c>: the values are merged into the SQL text as literals (quoted, typed, each kept a
    /// token of its own), for statements that can't take server parameters; several statements go through the simple
    /// protocol. <c>Mogrify</c> shows the merged text.
    /// </summary>
    Client,

    /// <summary>psycopg's <c>RawCursor</c>: the query's own <c>$1</c>, <c>$2</c> placeholders, sent untouched, positional arguments only.</summary>
    Raw,
}
