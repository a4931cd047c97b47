namespace Sharpgres.Protocol.Frontend;

/// <summary>Parse: a statement name ("" for the unnamed one), the SQL with $n placeholders, parameter type OIDs.</summary>
internal static class ParseMessage
{
    public static void WriteParse(this WriteBuffer w, string statementName, string sql, ReadOnlySpan<uint> parameterTypes)
    {
        w.StartMessage((byte)'P');
        w.WriteCString(statementName);
        w.WriteCString(sql);
        w.WriteInt16((short)parameterTypes.Length);
        foreach (var oid in parameterTypes) w.WriteUInt32(oid);
        w.EndMessage();
    }
}
