namespace Sharpgres.Types;

/// <summary>
/// A codec that can produce any .NET type (JSON deserializes into POCOs): typed reads with no IPgReader&lt;T&gt;
/// come here before the boxed fallback.
/// </summary>
internal interface IGenericPgReader
{
    T Read<T>(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context);
}
