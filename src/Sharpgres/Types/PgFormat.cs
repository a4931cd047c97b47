namespace Sharpgres.Types;

/// <summary>Wire format of a value: PostgreSQL's format codes.</summary>
public enum PgFormat : short
{
    Text = 0,
    Binary = 1,
}
