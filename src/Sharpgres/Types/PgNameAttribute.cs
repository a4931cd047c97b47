namespace Sharpgres.Types;

/// <summary>
/// The PostgreSQL name of an enum member (its label) or of a composite's field, when it isn't the member's name
/// translated (PascalCase ↔ snake_case, case-insensitive).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PgNameAttribute(string name) : Attribute
{
    /// <summary>The PostgreSQL enum label or composite field name the member maps to.</summary>
    public string Name { get; } = name;
}
