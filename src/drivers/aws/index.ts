import type { DriverModule } from '../project.js';
import { openAwsLake } from './open-lake.js';
import { openAwsState } from './open-state.js';

/** The aws driver: the sample's own services (DynamoDB, Glue, Athena, S3, CodeCommit), so a sample user points adp at what it has. */
export const awsDriver: DriverModule = { name: 'aws', openLake: openAwsLake, openState: openAwsState };
