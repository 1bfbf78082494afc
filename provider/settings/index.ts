export * from "./resolveLookup";
export * from "./sources";
export * from "./validation";
export * from "./throughputSettings";
