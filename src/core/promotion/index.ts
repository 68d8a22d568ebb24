/** Promotion between environments: inventory in, diff and byte-minimal edits out. See README.md. */
export { readInventory, formatVersion, type Inventory, type ImageEntry, type ChartEntry, type VersionSite } from './read-inventory.ts';
export { diffInventories, type InventoryDiff, type VersionMove } from './diff-inventories.ts';
export { planPromotion, resolvePromotion, type PromotionInput, type PromotionPlan } from './plan-promotion.ts';
export { buildPromotionProposal } from './promotion-proposal.ts';
export { evaluateGates, type ChangeWindow, type ClusterReport, type GateInput, type GateState, type GateVerdict } from './evaluate-gates.ts';
