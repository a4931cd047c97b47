namespace Sharpgres;

/// <summary>Server-side cursors: psycopg's <c>conn.cursor("name", scrollable=..., withhold=...)</c>.</summary>
public sealed partial class Connection
{
    /// <summary>
    /// A server-side (named) cursor: its Execute declares a cursor on the server and rows are fetched in batches.
    /// <paramref name="scrollable"/>: SCROLL / NO SCROLL / the server's default (null); <paramref name="withHold"/>:
    /// usable after the transaction that declared it commits.
    /// </summary>
    public ServerCursor Cursor(string name, bool? scrollable = null, bool withHold = false)
    {
        CheckOpen();
        return new ServerCursor(this, name, RowFactory.Tuple, scrollable, withHold);
    }

    /// <summary>A server-side cursor producing rows with <paramref name="rowFactory"/>.</summary>
    public ServerCursor<TRow> Cursor<TRow>(string name, RowFactory<TRow> rowFactory, bool? scrollable = null, bool withHold = false)
    {
        CheckOpen();
        return new ServerCursor<TRow>(this, name, rowFactory, scrollable, withHold);
    }
}
