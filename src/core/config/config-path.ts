/** Where Courier's config lives in a GitOps repository (and, for organisation defaults, in its `.github` repository). */
export const CONFIG_PATH = '.github/courier.yml';
