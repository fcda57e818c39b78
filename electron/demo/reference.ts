import type { CategoriesTable, DepartmentsTable, DivisionsTable as DivisionsRow } from '../store/schema';
import { CITY, ESTATE_SUFFIX, PLACE_WORDS, ROAD_SUFFIX } from './lexicon';
import { Rng, cumulative, seededUuidv7 } from './prng';
import { DEPARTMENTS, TAXONOMY, type LeafKind } from './taxonomy';

/** A generated division; `retired` is the store's default (0). */
type DivisionsTable = Omit<DivisionsRow, 'retired'>;

/** Reference rows get ids stamped with one fixed instant: they predate every ticket. */
const REFERENCE_EPOCH_MS = Date.UTC(2020, 0, 1);
const KM_LAT = 1 / 111;
const KM_LNG = 1 / 96.5; // at about 30°N

interface DistrictDef { code: string; name: string; county: boolean; weight: number; km: [number, number] }

const DISTRICTS: readonly DistrictDef[] = [
  { code: '439902', name: '江岸区', county: false, weight: 1.35, km: [1.5, 2] },
  { code: '439903', name: '临江区', county: false, weight: 1.2, km: [-3, -1] },
  { code: '439904', name: '东湖区', county: false, weight: 1.1, km: [7, 3] },
  { code: '439905', name: '西山区', county: false, weight: 0.85, km: [-9, 4] },
  { code: '439906', name: '北湖区', county: false, weight: 0.7, km: [2, 11] },
  { code: '439971', name: '江城高新区', county: false, weight: 0.6, km: [12, -6] },
  { code: '439921', name: '青溪县', county: true, weight: 0.45, km: [-32, 18] },
  { code: '439922', name: '南屏县', county: true, weight: 0.4, km: [20, -35] },
];

export interface CommunityModel {
  code: string;
  name: string;
  rural: boolean;
  streetCode: string;
  streetName: string;
  districtCode: string;
  districtName: string;
  lat: number;
  lng: number;
  /** Named housing estates (or hamlets) inside the community, for addresses and texts. */
  estates: string[];
  roads: string[];
  streetDeptId: string;
  districtDeptId: string;
}

export interface LeafModel {
  id: string;
  code: string;
  name: string;
  l1: string;
  kind: LeafKind;
  handler: string;
  issues: string[];
  question: string | null;
  details: string[];
}

export interface ReferenceData {
  seed: number;
  divisions: DivisionsTable[];
  categories: CategoriesTable[];
  departments: DepartmentsTable[];
  /** What the ticket generator needs beyond the rows; not stored. */
  model: {
    communities: CommunityModel[];
    communityCum: Float64Array;
    leaves: LeafModel[];
    /** City-level department id by DEPARTMENTS key. */
    deptByKey: Map<string, string>;
    deptName: Map<string, string>;
    cityRoads: string[];
  };
}

function takeNames(rng: Rng, pool: string[], n: number): string[] {
  const out: string[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rng.float() * pool.length), 1)[0]!);
  return out;
}

/** Divisions, taxonomy and departments of 江城市 for `seed`: same seed, same ids and names. */
export function generateReferenceData(seed: number): ReferenceData {
  const rng = new Rng(seed, 0x5ef);
  const newId = () => seededUuidv7(REFERENCE_EPOCH_MS, rng);

  const divisions: DivisionsTable[] = [{ code: CITY.code, name: CITY.name, level: 0, parent_code: null }];
  const departments: DepartmentsTable[] = [];
  const deptByKey = new Map<string, string>();
  const deptName = new Map<string, string>();
  DEPARTMENTS.forEach(([key, name, kind]) => {
    const id = newId();
    deptByKey.set(key, id);
    deptName.set(id, name);
    departments.push({ id, code: `JC-${key.toUpperCase()}`, name, kind, district_code: null });
  });

  const roadWords = [...PLACE_WORDS];
  const cityRoads = takeNames(rng, roadWords, 40).map((w) => w + rng.pick(ROAD_SUFFIX));
  const communities: CommunityModel[] = [];
  const weights: number[] = [];

  for (const d of DISTRICTS) {
    divisions.push({ code: d.code, name: d.name, level: 1, parent_code: CITY.code });
    const districtDeptId = newId();
    const dName = d.code.endsWith('71') ? `${d.name}管理委员会` : `${d.name}人民政府`;
    departments.push({ id: districtDeptId, code: `D${d.code}`, name: dName, kind: 'district', district_code: d.code });
    deptName.set(districtDeptId, dName);

    const words = [...PLACE_WORDS];
    const streetCount = d.county ? rng.int(8, 11) : rng.int(7, 12);
    const streetNames = takeNames(rng, words, streetCount);
    const dLat = CITY.lat + d.km[1] * KM_LAT;
    const dLng = CITY.lng + d.km[0] * KM_LNG;
    streetNames.forEach((sw, si) => {
      const town = d.county && si >= 2;
      const sCode = `${d.code}${town ? String(100 + si) : String(si + 1).padStart(3, '0')}`;
      const sName = sw + (town ? '镇' : '街道');
      divisions.push({ code: sCode, name: sName, level: 2, parent_code: d.code });
      const streetDeptId = newId();
      // Street names repeat across districts (as in real cities); the district in the unit's name tells them apart.
      const sdName = town ? `${d.name}${sName}人民政府` : `${d.name}${sName}办事处`;
      departments.push({ id: streetDeptId, code: `S${sCode}`, name: sdName, kind: 'street', district_code: d.code });
      deptName.set(streetDeptId, sdName);
      const spread = d.county ? 9 : 3.5;
      const sLat = dLat + rng.normal(0, spread) * KM_LAT;
      const sLng = dLng + rng.normal(0, spread) * KM_LNG;
      const roads = takeNames(rng, words, 3).map((w) => w + rng.pick(ROAD_SUFFIX));
      const cCount = town ? rng.int(8, 14) : rng.int(5, 11);
      const cWords = [...PLACE_WORDS];
      const streetWeight = d.weight * (0.6 + rng.float() * 0.8) / streetCount;
      for (let ci = 0; ci < cCount; ci++) {
        const cw = takeNames(rng, cWords, 1)[0]!;
        const cCode = `${sCode}${String((town ? 200 : 1) + ci).padStart(3, '0')}`;
        const cName = cw + (town ? '村' : '社区');
        divisions.push({ code: cCode, name: cName, level: 3, parent_code: sCode });
        const estates = town
          ? takeNames(rng, [...PLACE_WORDS], rng.int(2, 3)).map((w) => `${w}组`)
          : takeNames(rng, [...PLACE_WORDS], rng.int(2, 5)).map((w) => w + rng.pick(ESTATE_SUFFIX));
        const r = town ? 1.5 : 0.8;
        communities.push({
          code: cCode, name: cName, rural: town, streetCode: sCode, streetName: sName, districtCode: d.code,
          districtName: d.name, lat: sLat + rng.normal(0, r) * KM_LAT, lng: sLng + rng.normal(0, r) * KM_LNG,
          estates, roads: [...roads.slice(0, 2), rng.pick(cityRoads)], streetDeptId, districtDeptId,
        });
        // Towns are less populous than urban streets, and communities differ in size.
        weights.push(streetWeight * (town ? 0.5 : 1) * (0.4 + rng.float() * 1.2) / cCount);
      }
    });
  }

  const categories: CategoriesTable[] = [];
  const leaves: LeafModel[] = [];
  TAXONOMY.forEach((l1, i1) => {
    const c1 = String(i1 + 1).padStart(2, '0');
    const id1 = newId();
    categories.push({ id: id1, code: c1, name: l1.name, level: 1, parent_id: null });
    l1.l2.forEach((l2, i2) => {
      const c2 = c1 + String(i2 + 1).padStart(2, '0');
      const id2 = newId();
      categories.push({ id: id2, code: c2, name: l2.name, level: 2, parent_id: id1 });
      l2.leaves.forEach((leaf, i3) => {
        const c3 = c2 + String(i3 + 1).padStart(2, '0');
        const id3 = newId();
        categories.push({ id: id3, code: c3, name: leaf.name, level: 3, parent_id: id2 });
        leaves.push({ id: id3, code: c3, name: leaf.name, l1: l1.name, kind: leaf.kind, handler: leaf.handler,
          issues: leaf.issues, question: leaf.question, details: l2.details });
      });
    });
  });

  return {
    seed, divisions, categories, departments,
    model: { communities, communityCum: cumulative(weights), leaves, deptByKey, deptName, cityRoads },
  };
}

/** The lead department for a leaf at a place: a city department, or the local street/district. */
export function leadDepartment(ref: ReferenceData, leaf: LeafModel, c: CommunityModel): string {
  if (leaf.handler === 'street') return c.streetDeptId;
  if (leaf.handler === 'district') return c.districtDeptId;
  const id = ref.model.deptByKey.get(leaf.handler);
  if (!id) throw new Error(`taxonomy leaf ${leaf.code} names unknown department ${leaf.handler}`);
  return id;
}
