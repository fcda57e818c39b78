/** A category as the taxonomy stores it: a name under an optional parent. */
export interface TaxonomyNode { id: string; name: string; parentId: string | null }

/** Deeper than any real taxonomy (3 levels); stops a parent cycle in bad data from looping. */
const MAX_DEPTH = 32;

/** Between the levels of a category path, as every view and export shows it. */
export const CATEGORY_PATH_SEPARATOR = ' / ';

/** A category path from its level names, top first; missing levels (null, empty) are left out. */
export function joinCategoryPath(names: readonly (string | null | undefined)[]): string {
  return names.map((n) => n?.trim()).filter((n): n is string => !!n).join(CATEGORY_PATH_SEPARATOR);
}

/** The level names of a path as people write it: "一级/二级/三级", "一级 / 二级", "一级／二级" or "一级 > 二级". */
export function splitCategoryPath(text: string): string[] {
  return text.split(/[/／>]/).map((n) => n.trim()).filter((n) => n !== '');
}

/**
 * Every category's full path, "城乡建设 / 市政设施 / 路灯不亮", as shown beside suggestions,
 * knowledge articles, ticket details and in the category picker.
 */
export function categoryPaths(nodes: Iterable<TaxonomyNode>): Map<string, string> {
  const all = [...nodes];
  const byId = new Map(all.map((n) => [n.id, n]));
  const out = new Map<string, string>();
  for (const n of all) {
    const names: string[] = [];
    for (let x: TaxonomyNode | undefined = n; x && names.length < MAX_DEPTH; x = x.parentId ? byId.get(x.parentId) : undefined) names.unshift(x.name);
    out.set(n.id, joinCategoryPath(names));
  }
  return out;
}
