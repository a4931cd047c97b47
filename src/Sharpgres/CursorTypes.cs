using Sharpgres.Types;

namespace Sharpgres;

/// <summary>psycopg's cursor-level adapters: a registry of this cursor's own, created on first use.</summary>
public partial class Cursor<TRow>
{
    private TypeRegistry? _types;

    /// <summary>
    /// This cursor's type adapters: a child of the connection's registry, so registrations here (codecs, enums,
    /// composites) apply to this cursor's parameters and results only.
    /// </summary>
    public TypeRegistry Types => _types ??= Connection.Types.CreateChild();

    /// <summary>The registry in force: the cursor's when it has one, else the connection's.</summary>
    internal TypeRegistry ActiveTypes => _types ?? Connection.Types;

    internal ReadContext ReadContext => _types is null ? Connection.ReadContext : new ReadContext(_types, Connection.SessionTimeZone, null);
}
