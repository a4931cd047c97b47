namespace Sharpgres.Protocol.Frontend;

/// <summary>Messages with little or no body: Query, Sync, Flush, Terminate, Execute, Describe, Close.</summary>
internal static class SimpleMessages
{
    public static void WriteQuery(this WriteBuffer w, string sql)
    {
        w.StartMessage((byte)'Q');
        w.WriteCString(sql);
        w.EndMessage();
    }

    public static void WriteSync(this WriteBuffer w) { w.StartMessage((byte)'S'); w.EndMessage(); }
    public static void WriteFlush(this WriteBuffer w) { w.StartMessage((byte)'H'); w.EndMessage(); }
    public static void WriteTerminate(this WriteBuffer w) { w.StartMessage((byte)'X'); w.EndMessage(); }

    /// <summary>Execute a portal; maxRows 0 means all rows.</summary>
    public static void WriteExecute(this WriteBuffer w, string portal, int maxRows = 0)
    {
        w.StartMessage((byte)'E');
        w.WriteCString(portal);
        w.WriteInt32(maxRows);
        w.EndMessage();
    }

    /// <summary>Describe a statement ('S') or a portal ('P').</summary>
    public static void WriteDescribe(this WriteBuffer w, byte kind, string name)
    {
        w.StartMessage((byte)'D');
        w.WriteByte(kind);
        w.WriteCString(name);
        w.EndMessage();
    }

    /// <summary>Close a statement ('S') or a portal ('P').</summary>
    public static void WriteClose(this WriteBuffer w, byte kind, string name)
    {
        w.StartMessage((byte)'C');
        w.WriteByte(kind);
        w.WriteCString(name);
        w.EndMessage();
    }
}
